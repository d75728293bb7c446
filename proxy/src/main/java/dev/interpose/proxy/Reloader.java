package dev.interpose.proxy;

import dev.interpose.config.ConfigException;
import dev.interpose.config.ConfigLoader;
import dev.interpose.config.Extension;
import dev.interpose.config.Extensions;
import dev.interpose.config.InterposeConfig;
import dev.interpose.config.Overrides;
import dev.interpose.config.Secrets;
import dev.interpose.proxy.server.InterposeServer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies edits to the config file and the extension folders while the proxy runs. Called on the
 * watcher's thread, never on an event loop. A config file that does not validate is rejected, logged with
 * every problem, and the last good configuration keeps serving; extension files are judged one by one, so a
 * broken command does not keep a fixed hook from applying.
 */
final class Reloader {
    private static final Logger LOG = LoggerFactory.getLogger(Reloader.class);

    private final Supplier<List<Path>> files;
    private final Overrides overrides;
    private final Path projectDir;
    private final Path home;
    private final Path codexHome;
    private final InterposeServer server;

    Reloader(Supplier<List<Path>> files, Overrides overrides, Path projectDir, Path home, Path codexHome,
            InterposeServer server) {
        this.files = files;
        this.overrides = overrides;
        this.projectDir = projectDir;
        this.home = home;
        this.codexHome = codexHome;
        this.server = server;
    }

    /** Something changed on disk: reload what validates. */
    void reload() {
        List<Path> configFiles = files.get();
        InterposeConfig config = server.config();
        try {
            config = ConfigLoader.load(System.getenv(), overrides, configFiles);
        } catch (ConfigException e) {
            LOG.error("configuration change rejected; the last good configuration keeps serving: {}",
                    String.join("; ", e.problems()));
        }
        boolean configChanged = !config.equals(server.config());
        List<Extension> extensions = Extensions.discover(projectDir, home, codexHome);
        boolean extensionsChanged = !extensions.equals(server.extensions());
        boolean sameListener;
        try {
            sameListener = server.reconfigure(config, extensions);
        } catch (javax.net.ssl.SSLException | RuntimeException e) {
            LOG.error("configuration reload failed; the last good configuration keeps serving", masked(e));
            return;
        }
        if (configChanged) {
            LOG.info("configuration reloaded from {}", configFiles.isEmpty() ? "built-in defaults" : configFiles);
            if (!sameListener) {
                LOG.warn("listener host and port changes apply after a restart");
            }
        }
        if (extensionsChanged) {
            LOG.info("extensions reloaded: {}", summary(extensions));
            report(extensions);
        }
    }

    /**
     * Logs each extension that failed to load, with its file and why, and each settings-file hook of an event the
     * proxy does not fire (with the file and the event).
     */
    static void report(List<Extension> extensions) {
        for (Extension e : extensions) {
            if (e.loaded() && e.kind() == Extension.Kind.HOOK && e.hook() == null && e.note() != null) {
                LOG.warn("{}: {}", e.file(), e.note());
            }
            if (!e.loaded()) {
                LOG.warn("{} {} failed to load from {}: {}", e.kind().name().toLowerCase(java.util.Locale.ROOT),
                        e.name(), e.file(), Secrets.mask(e.error()));
            }
        }
    }

    /** The failure with its stack, its message (which may quote a configured URL) masked. */
    private static Throwable masked(Throwable e) {
        RuntimeException copy = new RuntimeException(Secrets.mask(e.toString()));
        copy.setStackTrace(e.getStackTrace());
        return copy;
    }

    /** {@code 2 hooks, 1 command, 0 agents, 1 plugin, 1 failed}: those that loaded and are not hidden. */
    static String summary(List<Extension> extensions) {
        Map<Extension.Kind, Long> active = Extensions.activeCounts(extensions);
        long failed = extensions.stream().filter(e -> !e.loaded()).count();
        return plural(active.get(Extension.Kind.HOOK), "hook") + ", " + plural(active.get(Extension.Kind.COMMAND),
                "command") + ", " + plural(active.get(Extension.Kind.AGENT), "agent") + ", "
                + plural(active.get(Extension.Kind.PLUGIN), "plugin") + ", " + failed + " failed";
    }

    private static String plural(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }
}
