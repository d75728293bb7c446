package dev.interpose.hooks;

import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * In-process Java hooks, for what must be fast: each plugin jar gets its own class loader (whose parent
 * holds the {@link Hook} interface and Jackson) and every {@link Hook} it declares in
 * {@code META-INF/services/dev.interpose.hooks.Hook} is instantiated with its public no-argument
 * constructor. The jar is read from a private copy, so replacing it on disk while the proxy runs is safe
 * and the next load sees the new classes. A jar that cannot be loaded yields an error, never an exception.
 */
public final class Plugins {

    private Plugins() {
    }

    /**
     * A plugin jar and what came of loading it.
     *
     * @param hooks its hooks, in declaration order; empty when it failed
     * @param error why it failed, or null
     */
    public record Plugin(Path jar, List<Hook> hooks, String error) {
        public Plugin {
            hooks = List.copyOf(hooks);
        }
    }

    /** Loads the hooks a jar declares. */
    public static Plugin load(Path jar) {
        Path copy;
        URLClassLoader loader;
        try {
            copy = Files.createTempFile("interpose-plugin-", ".jar");
            copy.toFile().deleteOnExit();
            Files.copy(jar, copy, StandardCopyOption.REPLACE_EXISTING);
            loader = new URLClassLoader("plugin " + jar.getFileName(), new URL[] {url(copy)}, Hook.class.getClassLoader());
        } catch (IOException e) {
            return new Plugin(jar, List.of(), "cannot read: " + e.getMessage());
        }
        List<Hook> hooks = new ArrayList<>();
        try {
            for (ServiceLoader.Provider<Hook> provider : ServiceLoader.load(Hook.class, loader).stream().toList()) {
                if (provider.type().getClassLoader() != loader) {
                    continue; // declared on the proxy's own class path, not by this jar
                }
                Hook hook = provider.get();
                String problem = problem(hook);
                if (problem != null) {
                    return failed(jar, loader, copy, provider.type().getName() + ": " + problem);
                }
                hooks.add(new InLoader(hook, loader));
            }
        } catch (ServiceConfigurationError | LinkageError | RuntimeException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            return failed(jar, loader, copy, e.getMessage() + (cause == e ? "" : " (" + cause + ")"));
        }
        if (hooks.isEmpty()) {
            return failed(jar, loader, copy, "declares no hook (expected META-INF/services/" + Hook.class.getName()
                    + " naming its Hook classes)");
        }
        return new Plugin(jar, hooks, null);
    }

    private static String problem(Hook hook) {
        if (hook.name() == null || hook.name().isBlank()) {
            return "name() is blank (expected a unique label for logs and metrics)";
        }
        if (hook.events() == null || hook.events().isEmpty()) {
            return "events() is empty (expected the events it runs at)";
        }
        if (hook.timeout() == null || hook.timeout().isNegative() || hook.timeout().isZero()
                || hook.timeout().compareTo(HookPipeline.MAX_TIMEOUT) > 0) {
            return "timeout() is " + hook.timeout() + " (expected a positive duration up to 1 hour)";
        }
        return null;
    }

    private static Plugin failed(Path jar, URLClassLoader loader, Path copy, String error) {
        try {
            loader.close();
            Files.deleteIfExists(copy);
        } catch (IOException e) {
            // nothing more to release
        }
        return new Plugin(jar, List.of(), error);
    }

    /**
     * A plugin's hook run with the plugin's class loader as the thread's context class loader, so that
     * libraries it calls (ServiceLoader, Jackson modules) find the plugin's own classes.
     */
    private record InLoader(Hook hook, ClassLoader loader) implements Hook {
        @Override
        public String name() {
            return hook.name();
        }

        @Override
        public java.util.Set<dev.interpose.config.HookEvent> events() {
            return hook.events();
        }

        @Override
        public boolean matches(dev.interpose.config.HookEvent event, String toolName) {
            return hook.matches(event, toolName);
        }

        @Override
        public int order() {
            return hook.order();
        }

        @Override
        public java.time.Duration timeout() {
            return hook.timeout();
        }

        @Override
        public boolean failClosed() {
            return hook.failClosed();
        }

        @Override
        public boolean runsFor(boolean claudeCode) {
            return hook.runsFor(claudeCode);
        }

        @Override
        public HookResult run(com.fasterxml.jackson.databind.JsonNode input) throws Exception {
            Thread thread = Thread.currentThread();
            ClassLoader previous = thread.getContextClassLoader();
            thread.setContextClassLoader(loader);
            try {
                return hook.run(input);
            } finally {
                thread.setContextClassLoader(previous);
            }
        }
    }

    private static URL url(Path file) throws MalformedURLException {
        return file.toUri().toURL();
    }
}
