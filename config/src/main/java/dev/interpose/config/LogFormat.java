package dev.interpose.config;

/** How log lines are written on stdout: one JSON object per line for machines, or text for humans. */
public enum LogFormat {
    JSON,
    TEXT
}
