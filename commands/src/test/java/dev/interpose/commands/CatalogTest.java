package dev.interpose.commands;

import static org.assertj.core.api.Assertions.assertThat;

import dev.interpose.config.CommandDefinition;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class CatalogTest {
    private static CommandDefinition command(String name, String description, String hint) {
        return new CommandDefinition(name, Path.of(name + ".md"), description, hint, null, List.of(), List.of(), "x");
    }

    @Test
    void aNamespacedCommandAnswersToItsShortNameWhileItIsUnique() {
        Catalog catalog = new Catalog(List.of(command("git:pr", "Open a PR", "<branch>"), command("gh:review", null, null),
                command("review", "Review code", "[file]")), 1);
        assertThat(catalog.find("git:pr")).isNotNull();
        assertThat(catalog.find("pr")).isSameAs(catalog.find("git:pr"));
        assertThat(catalog.find("review").name()).isEqualTo("review");
        assertThat(catalog.find("gh:review").name()).isEqualTo("gh:review");
        assertThat(catalog.find("tmp")).isNull();
        assertThat(catalog.listing()).isEqualTo("Slash commands available through Interpose:\n\n"
                + "/git:pr (or /pr) <branch> - Open a PR\n/gh:review\n/review [file] - Review code\n\n"
                + "/commands - this list\n\n1 command file failed to load; `interpose list` says why.");
    }

    @Test
    void invocationsNeedAKnownShapeAndEndAtWhitespace() {
        assertThat(Invocation.parse("/review src/Main.java  ")).isEqualTo(new Invocation("review", "src/Main.java"));
        assertThat(Invocation.parse("/git:pr\n\nfix it")).isEqualTo(new Invocation("git:pr", "fix it"));
        assertThat(Invocation.parse("  /git:pr")).isNull();
        assertThat(Invocation.parse("/review")).isEqualTo(new Invocation("review", ""));
        assertThat(Invocation.parse("/tmp/x")).isNull();
        assertThat(Invocation.parse("look at /review")).isNull();
        assertThat(Invocation.parse("/")).isNull();
        assertThat(Invocation.parse("//x")).isNull();
    }
}
