package dev.interpose.config;

import java.util.Objects;
import java.util.Optional;

/**
 * A model alias of the config file: a request whose model matches {@code match} has its body's model replaced
 * by {@code model}, and goes to {@code upstream} when one is given. Aliases are tried in file order, before
 * the routes; the first match wins.
 *
 * @param match    a {@link Glob} on the client's model
 * @param model    the model sent upstream instead
 * @param upstream the upstream the request goes to, if set; else the routes (and the built-in table) decide,
 *                 by the new model
 */
public record ModelAlias(Glob match, String model, Optional<String> upstream) {

    /** Checks each value against its key in {@link ConfigTable}. */
    public ModelAlias {
        Objects.requireNonNull(match, "match");
        ConfigTable.ALIAS_MATCH.check(match.toString());
        ConfigTable.ALIAS_MODEL.check(model);
        Objects.requireNonNull(upstream, "upstream");
    }

    /**
     * Whether a request asking for {@code clientModel} takes this alias: its pattern matches the name, or the
     * full id a short name stands for ({@code fullId}, null when it is none), or the request names this
     * alias's own model and the alias names an upstream (so a client that picked that model from
     * {@code /v1/models} reaches where it lives).
     */
    public boolean matches(String clientModel, String fullId) {
        return match.matches(clientModel) || (fullId != null && match.matches(fullId))
                || (upstream.isPresent() && model.equals(clientModel));
    }

    /** The pattern itself when it names one model (no wildcard), else null: a name {@code /v1/models} can list. */
    public String literalName() {
        String pattern = match.toString();
        return pattern.indexOf('*') < 0 && pattern.indexOf('?') < 0 ? pattern : null;
    }
}
