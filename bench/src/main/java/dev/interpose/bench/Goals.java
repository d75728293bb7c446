package dev.interpose.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The performance goals (issue 17), each the proxy's figure against nginx's in the same run (or a figure at the
 * first request), with "met" or "not met"; printed together at the end of the run.
 */
final class Goals {
    private record Goal(String what, String proxied, String nginx, String versus, String verdict) {
    }

    private final List<Goal> goals = new ArrayList<>();
    private final boolean nginx;

    Goals(boolean nginx) {
        this.nginx = nginx;
    }

    /** A goal that is a ratio to nginx's figure: met when {@code proxied / nginx} is at most {@code max}. */
    void ratio(String what, double proxied, double nginxFigure, String unit, double max, boolean higherIsBetter) {
        if (!nginx) {
            add(what, format(proxied, unit), "—", "", "not measured (no nginx)");
            return;
        }
        double r = proxied / nginxFigure;
        boolean met = higherIsBetter ? r >= max : r <= max;
        add(what, format(proxied, unit), format(nginxFigure, unit), String.format(Locale.ROOT, "%.2fx", r),
                met ? "met" : "not met");
    }

    /** A goal that is a difference to nginx's figure: met when {@code proxied - nginx} is at most {@code max}. */
    void difference(String what, double proxied, double nginxFigure, String unit, double max) {
        if (!nginx) {
            add(what, format(proxied, unit), "—", "", "not measured (no nginx)");
            return;
        }
        double d = proxied - nginxFigure;
        add(what, format(proxied, unit), format(nginxFigure, unit), (d >= 0 ? "+" : "") + format(d, unit),
                d <= max ? "met" : "not met");
    }

    /** A goal that is closeness to nginx's figure, either way: met when they differ by at most {@code max}. */
    void near(String what, double proxied, double nginxFigure, String unit, double max) {
        if (!nginx) {
            add(what, format(proxied, unit), "—", "", "not measured (no nginx)");
            return;
        }
        double d = proxied - nginxFigure;
        add(what, format(proxied, unit), format(nginxFigure, unit), (d >= 0 ? "+" : "") + format(d, unit),
                Math.abs(d) <= max ? "met" : "not met");
    }

    /** A goal on the proxy's own figure. */
    void figure(String what, String proxied, boolean met) {
        add(what, proxied, "", "", met ? "met" : "not met");
    }

    private void add(String what, String proxied, String nginxFigure, String versus, String verdict) {
        goals.add(new Goal(what, proxied, nginxFigure, versus, verdict));
    }

    private static String format(double value, String unit) {
        return String.format(Locale.ROOT, Math.abs(value) >= 100 ? "%.0f%s" : "%.2f%s", value, unit);
    }

    void print() {
        System.out.printf(Locale.ROOT, "%ngoals (issue 17), the proxy against nginx in this run%n");
        System.out.printf(Locale.ROOT, "  %-58s %12s %12s %10s  %s%n", "goal", "proxied", "nginx", "versus", "");
        for (Goal g : goals) {
            System.out.printf(Locale.ROOT, "  %-58s %12s %12s %10s  %s%n", g.what, g.proxied, g.nginx, g.versus,
                    g.verdict);
        }
    }
}
