package dev.interpose.proxy.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.interpose.config.HookEvent;
import dev.interpose.hooks.Hook;
import dev.interpose.hooks.Plugins;
import dev.interpose.proxy.Fixtures;
import dev.interpose.proxy.TestProxy;
import java.io.OutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** In-process Java hooks: plugin jars compiled and packed here, loaded by the proxy with ServiceLoader. */
@Timeout(60)
class PluginHooksTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MODEL_HOOK = String.join("\n",
            "package example;",
            "import com.fasterxml.jackson.databind.JsonNode;",
            "import com.fasterxml.jackson.databind.node.ObjectNode;",
            "import dev.interpose.config.HookEvent;",
            "import dev.interpose.hooks.Hook;",
            "import dev.interpose.hooks.HookResult;",
            "import java.util.Set;",
            "public final class ModelHook implements Hook {",
            "    public String name() { return \"java-guard\"; }",
            "    public Set<HookEvent> events() { return Set.of(HookEvent.PRE_REQUEST, HookEvent.PRE_TOOL_USE); }",
            "    public boolean matches(HookEvent event, String tool) { return tool == null || tool.equals(\"Read\"); }",
            "    public HookResult run(JsonNode input) {",
            "        if (input.path(\"hook_event_name\").asText().equals(\"PreToolUse\")) {",
            "            return HookResult.block(\"java says no to \" + input.path(\"tool_input\").path(\"file_path\").asText());",
            "        }",
            "        ObjectNode request = ((ObjectNode) input.path(\"request\")).deepCopy();",
            "        request.put(\"model\", \"model-from-plugin\");",
            "        return new HookResult(HookResult.Decision.CONTINUE, null, null, null, request);",
            "    }",
            "}");

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    @RegisterExtension
    final WireMockExtension upstream = WireMockExtension.newInstance().options(options().dynamicPort()).build();
    @TempDir
    Path project;
    @TempDir
    Path build;

    @BeforeEach
    void start() {
        upstream.stubFor(post(anyUrl()).willReturn(aResponse().withStatus(200).withHeader("content-type",
                "text/event-stream").withBody(new String(Fixtures.bytes("sample-anthropic-tool-sse.txt"),
                StandardCharsets.UTF_8))));
    }

    /** Compiles the sources into a jar whose service file names {@code services} (null: no service file). */
    private Path jar(String name, String services, String... sources) throws Exception {
        Path src = Files.createDirectories(build.resolve(name + "-src/example"));
        Path classes = Files.createDirectories(build.resolve(name + "-classes"));
        List<String> args = new ArrayList<>(List.of("-d", classes.toString(), "-classpath", String.join(
                java.io.File.pathSeparator, location(Hook.class), location(JsonNode.class), location(HookEvent.class),
                location(com.fasterxml.jackson.core.TreeNode.class))));
        for (String source : sources) {
            String type = source.substring(source.indexOf("class ") + 6).split("[ {]")[0];
            Path file = src.resolve(type + ".java");
            Files.writeString(file, source);
            args.add(file.toString());
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        java.io.ByteArrayOutputStream errors = new java.io.ByteArrayOutputStream();
        assertThat(javac.run(null, null, errors, args.toArray(String[]::new))).as("javac: %s", errors).isZero();
        Path jar = Files.createDirectories(project.resolve(".interpose/plugins")).resolve(name + ".jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
                Stream<Path> files = Files.walk(classes)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                Files.copy(f, out);
            }
            if (services != null) {
                out.putNextEntry(new JarEntry("META-INF/services/dev.interpose.hooks.Hook"));
                ((OutputStream) out).write((services + "\n").getBytes(StandardCharsets.UTF_8));
            }
        }
        return jar;
    }

    private static String location(Class<?> type) throws Exception {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }

    @Test
    void aJavaHookFromAPluginJarRewritesTheRequestAndDeniesAToolCall() throws Exception {
        jar("guard", "example.ModelHook", MODEL_HOOK);
        try (TestProxy proxy = TestProxy.withExtensions(Map.of("anthropic", upstream.baseUrl()), project)) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(proxy.uri("/v1/messages"))
                    .header("x-api-key", "k").POST(HttpRequest.BodyPublishers.ofString(
                            "{\"model\":\"claude-x\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                    .build(), HttpResponse.BodyHandlers.ofString());

            assertThat(JSON.readTree(upstream.getAllServeEvents().get(0).getRequest().getBodyAsString())
                    .path("model").asText()).isEqualTo("model-from-plugin");
            assertThat(response.body()).contains("Interpose denied the Read tool call: hook java-guard said: "
                    + "java says no to /x").doesNotContain("tool_use");
            assertThat(proxy.registry().get("interpose.hook.runs").tag("hook", "java-guard").counters())
                    .extracting(c -> c.getId().getTag("event") + " " + c.getId().getTag("outcome") + " " + c.count())
                    .containsExactlyInAnyOrder("PreRequest rewrite 1.0", "PreToolUse block 1.0");
        }
    }

    @Test
    void aReplacedJarIsLoadedAfreshAndTheOldClassesAreNotReused() throws Exception {
        Path first = jar("guard", "example.ModelHook", MODEL_HOOK);
        assertThat(Plugins.load(first).hooks()).extracting(Hook::name).containsExactly("java-guard");
        jar("guard", "example.ModelHook", MODEL_HOOK.replace("\"java-guard\"", "\"java-guard-2\""));
        assertThat(Plugins.load(first).hooks()).extracting(Hook::name).containsExactly("java-guard-2");
    }

    @Test
    void aBrokenPluginIsReportedWithTheReasonAndNeverThrows() throws Exception {
        assertThat(Plugins.load(jar("no-services", null, MODEL_HOOK)).error())
                .isEqualTo("declares no hook (expected META-INF/services/dev.interpose.hooks.Hook naming its Hook classes)");
        assertThat(Plugins.load(jar("missing-class", "example.Nope", MODEL_HOOK)).error())
                .contains("example.Nope").contains("not found");
        String throwing = "package example; public final class Boom implements dev.interpose.hooks.Hook {"
                + " public Boom() { throw new IllegalStateException(\"no config\"); }"
                + " public String name() { return \"boom\"; }"
                + " public java.util.Set<dev.interpose.config.HookEvent> events() { return java.util.Set.of(); }"
                + " public dev.interpose.hooks.HookResult run(com.fasterxml.jackson.databind.JsonNode in) { return null; } }";
        assertThat(Plugins.load(jar("throwing", "example.Boom", throwing)).error()).contains("example.Boom")
                .contains("no config");
        String noEvents = throwing.replace(" public Boom() { throw new IllegalStateException(\"no config\"); }", "");
        assertThat(Plugins.load(jar("no-events", "example.Boom", noEvents)).error())
                .isEqualTo("example.Boom: events() is empty (expected the events it runs at)");
        Path notAJar = Files.writeString(project.resolve(".interpose/plugins/garbage.jar"), "not a zip");
        assertThat(Plugins.load(notAJar).error()).isNotBlank();
    }
}
