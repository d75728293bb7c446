package dev.interpose.proxy.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An HTTP {@code CONNECT} proxy on loopback for the tests: each tunnel goes where its request line asks, or,
 * built with a {@code target} port, every tunnel goes to that port on loopback (so a proxy judging real host
 * names keeps its bytes on this machine). Records each request head.
 */
final class ConnectProxy implements AutoCloseable {
    final List<String> requests = new CopyOnWriteArrayList<>();
    private final ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
    /** The loopback port every tunnel goes to, or -1 for the host and port each request names. */
    private final int target;

    /** Tunnels go where their requests ask. */
    ConnectProxy() throws IOException {
        this(-1);
    }

    /** Every tunnel goes to {@code target} on loopback, whatever host it names. */
    ConnectProxy(int target) throws IOException {
        this.target = target;
        Thread acceptor = new Thread(() -> {
            try {
                while (true) {
                    Socket client = server.accept();
                    new Thread(() -> tunnel(client)).start();
                }
            } catch (IOException closed) {
                // stopped
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    private void tunnel(Socket client) {
        try (client) {
            InputStream in = client.getInputStream();
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b == -1) {
                    return;
                }
                head.append((char) b);
            }
            requests.add(head.toString());
            String[] asked = head.toString().split(" ")[1].split(":");
            try (Socket upstream = target >= 0 ? new Socket(InetAddress.getLoopbackAddress(), target)
                    : new Socket(asked[0], Integer.parseInt(asked[1]))) {
                OutputStream out = client.getOutputStream();
                out.write("HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                Thread back = new Thread(() -> pipe(upstream, client));
                back.start();
                pipe(client, upstream);
                back.join();
            }
        } catch (IOException | InterruptedException e) {
            // the tunnel ends when either side closes
        }
    }

    private static void pipe(Socket from, Socket to) {
        try {
            from.getInputStream().transferTo(to.getOutputStream());
            to.shutdownOutput();
        } catch (IOException e) {
            // closed
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
