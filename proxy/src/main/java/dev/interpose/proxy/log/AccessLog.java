package dev.interpose.proxy.log;

import dev.interpose.proxy.outcome.ExchangeRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the access-log line of an exchange: a human message plus every field of the {@link ExchangeRecord}
 * ({@link AccessFields}), which {@link JsonLineEncoder} writes as JSON without Jackson. Thread-safe.
 */
public final class AccessLog {
    private static final Logger LOG = LoggerFactory.getLogger("interpose.access");

    /** Writes one line for this exchange. */
    public void write(ExchangeRecord r) {
        if (!LOG.isInfoEnabled()) {
            return;
        }
        // Built here rather than with {} placeholders: SLF4J's formatter was a visible cost per request.
        StringBuilder message = new StringBuilder(96).append(r.requestId()).append(' ').append(r.method()).append(' ')
                .append(r.path()).append(' ').append(r.status()).append(' ').append(r.outcome().label()).append(' ');
        JsonLine.appendMillis(message, r.durationMillis());
        message.append("ms ").append(r.error() == null ? "" : r.error().code());
        LOG.info(new AccessFields(r), message.toString());
    }
}
