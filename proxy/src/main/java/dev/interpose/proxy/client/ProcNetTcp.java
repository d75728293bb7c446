package dev.interpose.proxy.client;

import java.io.BufferedReader;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The owners of TCP sockets as Linux lists them in {@code /proc/net/tcp} (IPv4) and {@code /proc/net/tcp6}
 * (IPv6, including IPv4-mapped addresses). Each line names a socket's local and remote address (hex, each
 * 32-bit word in host byte order; the port as a big-endian hex number), its state, and its owner's uid. The
 * client end of a loopback connection is the line whose local address is the client's and whose remote
 * address is the listener's. Reads the files afresh on every call (ports are reused, nothing is cached), once
 * for all the connections of one call to {@link #ownersOf}: with thousands of sockets open a read of the table
 * costs milliseconds, so connections arriving together are looked up together. Blocking, so called off the
 * event loop. Stateless and thread-safe.
 */
public final class ProcNetTcp implements PeerUids {
    /** A socket in {@code TIME_WAIT} belongs to nobody any more (its uid reads 0): never an owner. */
    static final int TIME_WAIT = 0x06;
    private static final HexFormat HEX = HexFormat.of().withUpperCase();
    private static final byte[] V4_MAPPED = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff};

    /** One line of the table: the socket's two ends, its state and its owner. */
    record Entry(InetSocketAddress local, InetSocketAddress remote, int state, int uid) {
    }

    private final Path tcp;
    private final Path tcp6;
    private final ByteOrder order;

    /** @param net the folder holding {@code tcp} and {@code tcp6} ({@code /proc/net}) */
    ProcNetTcp(Path net, ByteOrder order) {
        this.tcp = net.resolve("tcp");
        this.tcp6 = net.resolve("tcp6");
        this.order = order;
    }

    /** This system's tables, or empty when there are none to read (not Linux, or no /proc). */
    public static Optional<ProcNetTcp> system() {
        ProcNetTcp proc = new ProcNetTcp(Path.of("/proc/net"), ByteOrder.nativeOrder());
        return Files.isReadable(proc.tcp) ? Optional.of(proc) : Optional.empty();
    }

    /** The real uid of this process, from {@code /proc/self/status}; empty when it cannot be read. */
    public static OptionalInt selfUid(Path status) {
        try {
            for (String line : Files.readAllLines(status, StandardCharsets.US_ASCII)) {
                if (line.startsWith("Uid:")) {
                    return OptionalInt.of(Integer.parseInt(line.substring(4).strip().split("\\s+")[0]));
                }
            }
        } catch (IOException | RuntimeException e) {
            // no such file or an unexpected shape: the caller treats the check as unavailable
        }
        return OptionalInt.empty();
    }

    @Override
    public OptionalInt ownerOf(InetSocketAddress client, InetSocketAddress listener) throws IOException {
        return ownersOf(List.of(new Query(client, listener))).get(0);
    }

    @Override
    public List<OptionalInt> ownersOf(List<Query> queries) throws IOException {
        OptionalInt[] owners = new OptionalInt[queries.size()];
        Map<String, Integer> v4 = new HashMap<>();
        Map<String, Integer> v6 = new HashMap<>();
        for (int i = 0; i < owners.length; i++) {
            owners[i] = OptionalInt.empty();
            byte[] from = queries.get(i).client().getAddress().getAddress();
            byte[] to = queries.get(i).listener().getAddress().getAddress();
            int fromPort = queries.get(i).client().getPort();
            int toPort = queries.get(i).listener().getPort();
            if (from.length == 4 && to.length == 4) {
                v4.put(key(from, fromPort, to, toPort), i);
            }
            // IPv6, or a client on an IPv6 socket that dialled ::ffff:127.0.0.1: listed with mapped addresses
            v6.put(key(mapped(from), fromPort, mapped(to), toPort), i);
        }
        if (!v4.isEmpty()) {
            search(tcp, v4, owners);
            v6.values().removeIf(i -> owners[i].isPresent());
        }
        if (!v6.isEmpty()) {
            search(tcp6, v6, owners);
        }
        return List.of(owners);
    }

    /** Fills in the uid of each live line whose two address columns are a key of {@code wanted}, in one read. */
    private void search(Path table, Map<String, Integer> wanted, OptionalInt[] owners) throws IOException {
        if (!Files.exists(table)) {
            return; // no tcp6 on a kernel without IPv6
        }
        int left = wanted.size();
        try (BufferedReader lines = Files.newBufferedReader(table, StandardCharsets.US_ASCII)) {
            String line;
            while (left > 0 && (line = lines.readLine()) != null) {
                Integer i = wanted.get(columns(line));
                if (i != null && owners[i].isEmpty()) { // only a wanted line is parsed
                    Entry entry = parse(line, order);
                    if (entry != null && entry.state() != TIME_WAIT) {
                        owners[i] = OptionalInt.of(entry.uid());
                        left--;
                    }
                }
            }
        }
    }

    /** The line's local and remote address columns, {@code "0100007F:D3A2 0100007F:2710"}, or null. */
    private static String columns(String line) {
        int colon = line.indexOf(':');
        int start = colon + 1;
        while (start < line.length() && line.charAt(start) == ' ') {
            start++;
        }
        int mid = line.indexOf(' ', start);
        int end = mid < 0 ? -1 : line.indexOf(' ', mid + 1);
        return colon < 0 || end < 0 ? null : line.substring(start, end);
    }

    private String key(byte[] local, int localPort, byte[] remote, int remotePort) {
        return column(local, localPort) + " " + column(remote, remotePort);
    }

    private String column(byte[] address, int port) {
        return HEX.formatHex(inHostOrder(address.clone(), order)) + ":" + String.format("%04X", port);
    }

    /** Swaps the bytes of each 32-bit word of {@code bytes} in place when the host is little-endian. */
    private static byte[] inHostOrder(byte[] bytes, ByteOrder order) {
        if (order == ByteOrder.LITTLE_ENDIAN) {
            for (int word = 0; word < bytes.length; word += 4) {
                for (int i = 0; i < 2; i++) {
                    byte b = bytes[word + i];
                    bytes[word + i] = bytes[word + 3 - i];
                    bytes[word + 3 - i] = b;
                }
            }
        }
        return bytes;
    }

    /** An address as 16 bytes: IPv6 as is, IPv4 as {@code ::ffff:a.b.c.d}. */
    private static byte[] mapped(byte[] address) {
        if (address.length == 16) {
            return address;
        }
        byte[] out = new byte[16];
        System.arraycopy(V4_MAPPED, 0, out, 0, V4_MAPPED.length);
        System.arraycopy(address, 0, out, 12, 4);
        return out;
    }

    /**
     * One line of {@code /proc/net/tcp} or {@code tcp6}, or null for the header or a line of another shape.
     * A v4-mapped IPv6 address comes back as the IPv4 address, as Java itself reports it.
     */
    static Entry parse(String line, ByteOrder order) {
        String[] f = line.strip().split("\\s+");
        if (f.length < 8 || !f[0].endsWith(":")) {
            return null;
        }
        try {
            return new Entry(endpoint(f[1], order), endpoint(f[2], order), Integer.parseInt(f[3], 16),
                    Integer.parseInt(f[7]));
        } catch (RuntimeException | UnknownHostException e) {
            return null;
        }
    }

    private static InetSocketAddress endpoint(String column, ByteOrder order) throws UnknownHostException {
        int colon = column.indexOf(':');
        byte[] bytes = HexFormat.of().parseHex(column, 0, colon);
        if ((bytes.length != 4 && bytes.length != 16) || column.length() - colon - 1 != 4) {
            throw new IllegalArgumentException("not an address column: " + column);
        }
        inHostOrder(bytes, order);
        InetAddress address = InetAddress.getByAddress(bytes); // 16 mapped bytes yield an Inet4Address
        return new InetSocketAddress(address, Integer.parseInt(column.substring(colon + 1), 16));
    }

    /** Whether {@code address} is loopback: 127.0.0.0/8, ::1, or ::ffff:127.x.y.z. */
    static boolean loopback(InetAddress address) {
        if (address.isLoopbackAddress()) {
            return true;
        }
        byte[] b = address.getAddress();
        if (b.length == 16) {
            for (int i = 0; i < 12; i++) {
                if (b[i] != V4_MAPPED[i]) {
                    return false;
                }
            }
            return b[12] == 127;
        }
        return address instanceof Inet4Address && b[0] == 127;
    }
}
