package dev.interpose.proxy.request;

import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.List;

/**
 * One page of Anthropic's {@code GET /v1/models}: {@code limit} (1 to 1000, default 20) ids after {@code after_id},
 * or the {@code limit} ids just before {@code before_id}, or the first ones; {@code has_more} says whether more lie
 * beyond the page in the direction asked. A bad parameter gives the page a {@link #problem} instead. Immutable.
 *
 * @param ids     the page's ids, in the list's order
 * @param hasMore whether more ids follow (or, paging back with {@code before_id}, precede) the page
 * @param problem what is wrong with the query, or null
 */
record ModelPage(List<String> ids, boolean hasMore, String problem) {
    static final int DEFAULT_LIMIT = 20;
    static final int MAX_LIMIT = 1000;

    ModelPage {
        ids = List.copyOf(ids);
    }

    /** The page of {@code all} that {@code uri}'s query asks for. */
    static ModelPage of(List<String> all, String uri) {
        var query = new QueryStringDecoder(uri).parameters();
        String limitText = first(query.get("limit"));
        String after = first(query.get("after_id"));
        String before = first(query.get("before_id"));
        int limit;
        try {
            limit = limitText == null ? DEFAULT_LIMIT : Integer.parseInt(limitText);
        } catch (NumberFormatException e) {
            limit = -1;
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            return failed("limit: \"" + limitText + "\" (expected: a number from 1 to " + MAX_LIMIT + ")");
        }
        if (after != null && before != null) {
            return failed("after_id and before_id: give one of them, not both");
        }
        if (before != null) {
            int end = all.indexOf(before);
            if (end < 0) {
                return failed("before_id: " + before + " (expected: the id of a listed model)");
            }
            int from = Math.max(0, end - limit);
            return new ModelPage(all.subList(from, end), from > 0, null);
        }
        int from = 0;
        if (after != null) {
            from = all.indexOf(after) + 1;
            if (from == 0) {
                return failed("after_id: " + after + " (expected: the id of a listed model)");
            }
        }
        int to = Math.min(all.size(), from + limit);
        return new ModelPage(all.subList(from, to), to < all.size(), null);
    }

    private static String first(List<String> values) {
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    private static ModelPage failed(String problem) {
        return new ModelPage(List.of(), false, problem);
    }
}
