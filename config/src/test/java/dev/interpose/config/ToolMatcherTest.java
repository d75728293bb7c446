package dev.interpose.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.regex.PatternSyntaxException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Matchers as Claude Code reads them: all, an exact list, or an unanchored regular expression. */
class ToolMatcherTest {

    @ParameterizedTest(name = "[{0}] on {1}: {2}")
    @CsvSource(delimiter = ';', value = {
            // an exact list, split on | or , and trimmed
            "Bash;                Bash;                     true",
            "Bash;                BashOutput;               false",
            "Bash;                bash;                     false",
            "Edit|Write;          Write;                    true",
            "Edit|Write;          MultiEdit;                false",
            "'Edit, Write';       Edit;                     true",
            "'Edit, Write';       Write;                    true",
            "' Edit , Write ';    Write;                    true",
            "'Edit,Write|Read';   Read;                     true",
            "Notebook-Edit;       Notebook-Edit;            true",
            "mcp__github__create_issue; mcp__github__create_issue; true",
            "mcp__github;         mcp__github__create_issue; false",
            // anything else: a regular expression found anywhere in the name
            "^Notebook;           NotebookEdit;             true",
            "^Notebook;           Notebook;                 true",
            "^Notebook;           MyNotebook;               false",
            "Web.*;               WebFetch;                 true",
            "Web.*;               MyWebFetch;               true",
            "^Web.*$;             MyWebFetch;               false",
            "mcp__github__.*;     mcp__github__create_issue; true",
            "mcp__github__.*;     mcp__gitlab__create_issue; false",
            "mcp__.*__write.*;    mcp__fs__write_file;      true",
            "(Edit|Write)$;       MultiEdit;                true",
            "^(Edit|Write)$;      MultiEdit;                false",
            "Ba.h;                Bash;                     true",
    })
    void readsAMatcherAsClaudeCodeDoes(String matcher, String tool, boolean matches) {
        assertThat(ToolMatcher.of(matcher).matches(tool)).isEqualTo(matches);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "*", " * "})
    void emptyOrStarIsEveryTool(String matcher) {
        assertThat(ToolMatcher.of(matcher)).isNull();
        assertThat(ToolMatcher.of(null)).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"Bash", "Edit|Write", "Edit, Write"})
    void anExactListIsNoRegularExpression(String matcher) {
        ToolMatcher m = ToolMatcher.of(matcher);
        assertThat(m.regex()).isNull();
        assertThat(m.names()).isNotEmpty();
        assertThat(m.matches(null)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"(", "Bash[", "*Bash"})
    void aBrokenExpressionIsAnError(String matcher) {
        assertThatThrownBy(() -> ToolMatcher.of(matcher)).isInstanceOf(PatternSyntaxException.class);
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {"Edit, Write;Edit,Write;false", "Edit|Write;Edit|Write;true"})
    void matchersAreEqualByText(String a, String b, boolean equal) {
        assertThat(ToolMatcher.of(a).equals(ToolMatcher.of(b))).isEqualTo(equal);
    }

    @org.junit.jupiter.api.Test
    void aHookDefinitionUsesItForToolEventsOnly() {
        HookDefinition hook = new HookDefinition("h", java.util.Set.of(HookEvent.PRE_TOOL_USE, HookEvent.STOP),
                ToolMatcher.of("Edit, Write"), 100, HookDefinition.DEFAULT_TIMEOUT, false, java.util.List.of("x"), false);
        assertThat(hook.matches(HookEvent.PRE_TOOL_USE, "Write")).isTrue();
        assertThat(hook.matches(HookEvent.PRE_TOOL_USE, "Bash")).isFalse();
        assertThat(hook.matches(HookEvent.PRE_TOOL_USE, null)).isFalse();
        assertThat(hook.matches(HookEvent.STOP, null)).isTrue();
    }
}
