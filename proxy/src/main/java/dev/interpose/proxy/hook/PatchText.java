package dev.interpose.proxy.hook;

import java.util.ArrayList;
import java.util.List;

/**
 * The files a patch in Codex's {@code apply_patch} format touches, read leniently (markers may be indented, the
 * {@code *** Begin Patch} / {@code *** End Patch} lines and a heredoc around them may be missing): reading more
 * than Codex applies only shows a hook more, never less.
 * <pre>
 * *** Add File: path        lines that follow, each starting with +, are its content
 * *** Delete File: path
 * *** Update File: path     then @@ lines, and lines starting with " " (kept), - (removed) or + (added)
 * *** Move to: path         (right after an Update File line) the updated file's new path
 * </pre>
 */
final class PatchText {
    private static final String ADD = "*** Add File:";
    private static final String DELETE = "*** Delete File:";
    private static final String UPDATE = "*** Update File:";
    private static final String MOVE = "*** Move to:";

    private PatchText() {
    }

    /** What a patch does to one file. */
    enum Change {
        ADD, UPDATE, DELETE, MOVE
    }

    /**
     * One file the patch touches.
     *
     * @param change  what it does to it ({@link Change#MOVE} for the new path of a moved file; the old path is an
     *                {@link Change#UPDATE})
     * @param path    the path as the patch writes it
     * @param removed the lines it takes out (kept lines included), joined with newlines; empty for an added file
     * @param added   the lines it puts in (kept lines included): an added file's content
     */
    record FileChange(Change change, String path, String removed, String added) {
    }

    /** Whether {@code text} may hold a patch: it has one of the file markers. Cheap. */
    static boolean mayHold(String text) {
        return text != null && (text.contains(ADD) || text.contains(DELETE) || text.contains(UPDATE));
    }

    /** The files {@code text} touches, in the order it names them; empty when it names none. */
    static List<FileChange> files(String text) {
        List<FileChange> files = new ArrayList<>();
        if (!mayHold(text)) {
            return files;
        }
        String[] lines = text.split("\r?\n", -1);
        int i = 0;
        while (i < lines.length) {
            String line = lines[i].trim();
            i++;
            if (line.startsWith(ADD)) {
                StringBuilder content = new StringBuilder();
                while (i < lines.length && lines[i].startsWith("+")) {
                    content.append(lines[i], 1, lines[i].length()).append('\n');
                    i++;
                }
                files.add(new FileChange(Change.ADD, path(line, ADD), "", content.toString()));
            } else if (line.startsWith(DELETE)) {
                files.add(new FileChange(Change.DELETE, path(line, DELETE), "", ""));
            } else if (line.startsWith(UPDATE)) {
                String path = path(line, UPDATE);
                String moveTo = null;
                if (i < lines.length && lines[i].trim().startsWith(MOVE)) {
                    moveTo = path(lines[i].trim(), MOVE);
                    i++;
                }
                StringBuilder removed = new StringBuilder();
                StringBuilder added = new StringBuilder();
                while (i < lines.length && !lines[i].trim().startsWith("***")) {
                    hunkLine(lines[i], removed, added);
                    i++;
                }
                files.add(new FileChange(Change.UPDATE, path, removed.toString(), added.toString()));
                if (moveTo != null) {
                    files.add(new FileChange(Change.MOVE, moveTo, "", added.toString()));
                }
            }
        }
        return files;
    }

    private static void hunkLine(String line, StringBuilder removed, StringBuilder added) {
        if (line.startsWith("@@")) {
            return;
        }
        char mark = line.isEmpty() ? ' ' : line.charAt(0);
        String rest = line.isEmpty() ? "" : line.substring(1);
        if (mark == '-' || mark == ' ') {
            removed.append(rest).append('\n');
        }
        if (mark == '+' || mark == ' ') {
            added.append(rest).append('\n');
        }
    }

    private static String path(String line, String marker) {
        return line.substring(marker.length()).trim();
    }
}
