package dev.interpose.proxy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An upstream for what WireMock cannot show: a plain blocking socket server whose every connection runs a
 * script (write part of a stream, go silent, close mid-body, watch for the proxy closing). Each accepted
 * connection runs on its own thread; connections are numbered from 0 in accept order.
 */
public final class ScriptedUpstream implements AutoCloseable {

    /** What to do on one connection. */
    public interface Script {
        void run(Connection connection, int index) throws Exception;
    }

    /** One accepted connection. */
    public static final class Connection {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;

        Connection(Socket socket) throws IOException {
            this.socket = socket;
            this.in = socket.getInputStream();
            this.out = socket.getOutputStream();
        }

        /** Reads one request (head and Content-Length body); null when the peer closed first. */
        public String readRequest() throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int matched = 0;
            int b;
            while (matched < 4 && (b = in.read()) != -1) {
                head.write(b);
                matched = (b == '\r' || b == '\n') ? (matched + 1) : 0;
            }
            if (matched < 4) {
                return null;
            }
            String text = head.toString(StandardCharsets.ISO_8859_1);
            int length = 0;
            for (String line : text.split("\r\n")) {
                if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                    length = Integer.parseInt(line.substring(15).trim());
                }
            }
            in.readNBytes(length);
            return text;
        }

        public void write(String text) throws IOException {
            write(text.getBytes(StandardCharsets.UTF_8));
        }

        public void write(byte[] bytes) throws IOException {
            out.write(bytes);
            out.flush();
        }

        /** Writes one HTTP/1.1 chunk. */
        public void chunk(byte[] bytes) throws IOException {
            out.write((Integer.toHexString(bytes.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(bytes);
            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }

        /** Blocks until the peer closes the connection (read returns end of stream or fails). */
        public void awaitPeerClose() {
            try {
                while (in.read() != -1) {
                    // discard anything more the proxy sends
                }
            } catch (IOException e) {
                // a reset is a close too
            }
        }

        public void close() throws IOException {
            socket.close();
        }

        /** Closes with a TCP reset rather than a clean close. */
        public void reset() throws IOException {
            socket.setSoLinger(true, 0);
            socket.close();
        }
    }

    private final ServerSocket server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final AtomicInteger accepted = new AtomicInteger();
    private final CopyOnWriteArrayList<Throwable> failures = new CopyOnWriteArrayList<>();

    public ScriptedUpstream(Script script) throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        threads.execute(() -> {
            while (!server.isClosed()) {
                try {
                    Socket socket = server.accept();
                    int index = accepted.getAndIncrement();
                    threads.execute(() -> {
                        try (socket) {
                            script.run(new Connection(socket), index);
                        } catch (Exception e) {
                            failures.add(e);
                        }
                    });
                } catch (IOException e) {
                    return; // closed
                }
            }
        });
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    /** How many connections the proxy opened. */
    public int connections() {
        return accepted.get();
    }

    @Override
    public void close() throws IOException {
        server.close();
        threads.shutdownNow();
    }
}
