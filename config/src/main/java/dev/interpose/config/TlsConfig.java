package dev.interpose.config;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * TLS options for one https upstream.
 *
 * @param caFile a PEM file of CA certificates to trust instead of the JVM's, such as a corporate root
 * @param verify false turns off certificate and host name checks (a local test server only; logged)
 */
public record TlsConfig(Optional<Path> caFile, boolean verify) {
    public static final TlsConfig DEFAULT = new TlsConfig(ConfigTable.CA_FILE.defaultValue(),
            ConfigTable.VERIFY.defaultValue());

    public TlsConfig {
        Objects.requireNonNull(caFile, "caFile");
    }
}
