/**
 * The executable: command-line parsing, configuration loading, logging set-up, and the lifecycle of the
 * server (start, print the bound address, drain on SIGTERM/SIGINT, exit 0). Runs on the main thread.
 */
package dev.interpose.proxy;
