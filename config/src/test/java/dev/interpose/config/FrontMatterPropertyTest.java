package dev.interpose.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Random and hostile command and agent files through {@link FrontMatter}: parsing and reading its fields
 * either succeed or throw {@link FrontMatter.Invalid} (the documented failure, which names the problem),
 * never anything else. Tries: {@code jqwik.tries.default}.
 */
class FrontMatterPropertyTest {
    private static final List<String> YAML_PIECES = List.of("description: x", "allowed-tools: Bash(git status:*), Read",
            "allowed-tools:\n  - Bash\n  - {a: b}", "model: [1, 2]", "name: &a [*a]", "x: &a [a,a]\ny: [*a,*a,*a]",
            "!!binary Zm9v", "!!python/object:os.system [id]", "!!java.net.URL [\"http://x\"]", "? complex\n: key", "{",
            "[", "]", "}", ":", "-", "- item", "'", "\"", "\t", "%YAML 1.1", "%TAG ! tag:x:", "---", "...", "\0", "\uFEFF",
            "\r", "\n", "  ", "#", "|", ">", "*undefined", "&", "!", "@", "`", "key: \"\\u0000\"", "k: 1e999999",
            "k: 0x" + "f".repeat(100), "\u0085", "\u2028", "\uD800", "é✓🎉");

    @Provide
    Arbitrary<String> files() {
        Arbitrary<String> pieces = Arbitraries.oneOf(Arbitraries.of(YAML_PIECES), Arbitraries.strings().ofMaxLength(10));
        Arbitrary<String> yaml = pieces.list().ofMaxSize(10).map(l -> String.join(Arbitraries.of("\n", " ", "").sample(), l));
        Arbitrary<String> opener = Arbitraries.of("---\n", "---\r\n", "---", "--- \n", "");
        Arbitrary<String> closer = Arbitraries.of("\n---\n", "\n---", "\n--- x\n", "\n---\r\n", "", "\n...\n");
        Arbitrary<String> body = Arbitraries.strings().ofMaxLength(30);
        Arbitrary<String> structured = net.jqwik.api.Combinators.combine(opener, yaml, closer, body)
                .as((o, y, c, b) -> o + y + c + b);
        return Arbitraries.oneOf(structured, Arbitraries.strings().all().ofMaxLength(80));
    }

    @Property
    void parsingAndReadingFieldsThrowOnlyInvalid(@ForAll("files") String text) {
        check(text);
    }

    @Example
    void deepNestingAliasBombsAndHugeInputsAreInvalidOrParsed() {
        check("---\nk: " + "[".repeat(100_000) + "\n---\nbody");
        check("---\nk: " + "{a: ".repeat(10_000) + "\n---\n");
        StringBuilder bomb = new StringBuilder("---\na: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        for (char c = 'b'; c <= 'j'; c++) {
            String prev = String.valueOf((char) (c - 1));
            bomb.append(c).append(": &").append(c).append(" [*").append(prev).append(",*").append(prev).append(",*")
                    .append(prev).append(",*").append(prev).append(",*").append(prev).append(",*").append(prev)
                    .append(",*").append(prev).append(",*").append(prev).append(",*").append(prev).append("]\n");
        }
        check(bomb.append("---\n").toString());
        check("---\n" + "k: v\n".repeat(10_000) + "---\n");
    }

    @Example
    void hugeFrontMatterIsRefusedAtOnceAndLongListsSplitInLinearTime() throws Exception {
        // This thread's CPU time, not the wall clock: other processes on a busy machine do not count, while a
        // parse of the 30 MB value or a quadratic split of the 30,000 items still costs seconds of it.
        java.lang.management.ThreadMXBean cpu = java.lang.management.ManagementFactory.getThreadMXBean();
        assertThat(cpu.isCurrentThreadCpuTimeSupported()).as("else this would measure nothing").isTrue();
        long start = cpu.getCurrentThreadCpuTime();
        assertThat(org.assertj.core.api.Assertions.catchThrowable(
                () -> FrontMatter.parse("---\nk: \"" + "x".repeat(30_000_000) + "\"\n---\n")))
                .isInstanceOf(FrontMatter.Invalid.class).hasMessage("front matter is longer than 65536 characters");
        FrontMatter commas = FrontMatter.parse("---\nallowed-tools: " + "a,".repeat(30_000) + "\n---\n");
        assertThat(commas.list("allowed-tools")).hasSize(30_000);
        assertThat(java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(cpu.getCurrentThreadCpuTime() - start))
                .isLessThan(3_000);
    }

    @Property
    void listsSplitAsTheyAlwaysDid(@ForAll("lists") String text) throws Exception {
        FrontMatter parsed = new FrontMatter(new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode()
                .put("tools", text), "");
        List<String> expected = new java.util.ArrayList<>();
        for (String item : text.split(",(?![^()]*\\))")) {
            if (!item.isBlank()) {
                expected.add(item.strip());
            }
        }
        assertThat(parsed.list("tools")).isEqualTo(expected);
    }

    @Provide
    Arbitrary<String> lists() {
        return Arbitraries.of(",", "(", ")", " ", "a", "Bash(git status:*)", "Read", "x, y", "\t")
                .list().ofMaxSize(12).map(l -> String.join("", l));
    }

    private static void check(String text) {
        FrontMatter parsed;
        try {
            parsed = FrontMatter.parse(text);
        } catch (FrontMatter.Invalid e) {
            assertThat(e.getMessage()).isNotBlank();
            return;
        }
        assertThat(parsed.fields()).isNotNull();
        assertThat(parsed.body()).isNotNull();
        for (String key : List.of("description", "allowed-tools", "model", "name", "k", "x", "a", "tools")) {
            try {
                parsed.text(key);
            } catch (FrontMatter.Invalid e) {
                assertThat(e.getMessage()).contains(key);
            }
            try {
                assertThat(parsed.list(key)).doesNotContainNull();
            } catch (FrontMatter.Invalid e) {
                assertThat(e.getMessage()).contains(key);
            }
        }
    }
}
