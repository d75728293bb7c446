package dev.interpose.proxy.body;

import com.github.luben.zstd.ZstdInputStream;
import dev.interpose.proxy.error.ErrorKind;
import dev.interpose.proxy.error.ProxyException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

/**
 * Decodes bodies sent with {@code Content-Encoding: gzip}, {@code deflate} (zlib or raw) or {@code zstd}
 * into a copy no larger than a cap. The buffer passed in is only read; its indices are left as they are.
 */
public final class ContentCodings {
    private ContentCodings() {
    }

    /** True when bodies with this {@code Content-Encoding} value can be decoded (absent means identity). */
    public static boolean supported(String encoding) {
        return encoding == null || codingOf(encoding) != null;
    }

    /**
     * The decoded bytes of {@code body}.
     *
     * @throws ProxyException BAD_REQUEST when the body is not valid for its coding or the coding is
     *         unknown, BODY_TOO_LARGE when decoding would exceed {@code maxBytes}
     */
    public static byte[] decode(ByteBuf body, String encoding, int maxBytes) {
        String coding = codingOf(encoding);
        if (coding == null) {
            throw new ProxyException(ErrorKind.BAD_REQUEST, "unsupported Content-Encoding: " + encoding);
        }
        try (InputStream in = open(coding, new ByteBufInputStream(body.duplicate()))) {
            return readCapped(in, maxBytes, coding);
        } catch (IOException e) {
            throw new ProxyException(ErrorKind.BAD_REQUEST,
                    "request body is not valid " + coding + ": " + e.getMessage());
        }
    }

    private static String codingOf(String encoding) {
        String e = encoding == null ? "identity" : encoding.trim().toLowerCase(Locale.ROOT);
        switch (e) {
            case "gzip":
            case "x-gzip":
                return "gzip";
            case "deflate":
            case "zstd":
            case "identity":
            case "":
                return e.isEmpty() ? "identity" : e;
            default:
                return null;
        }
    }

    private static InputStream open(String coding, ByteBufInputStream raw) throws IOException {
        switch (coding) {
            case "gzip":
                return new GZIPInputStream(raw, 8192);
            case "zstd":
                return new ZstdInputStream(raw);
            case "deflate":
                // HTTP "deflate" is zlib-wrapped, but some clients send raw deflate: look at the header.
                raw.mark(2);
                int cmf = raw.read();
                int flg = raw.read();
                raw.reset();
                boolean zlib = cmf >= 0 && flg >= 0 && (cmf & 0x0f) == 8 && ((cmf << 8) | flg) % 31 == 0;
                Inflater inflater = new Inflater(!zlib);
                return new InflaterInputStream(raw, inflater, 8192) {
                    @Override
                    public void close() throws IOException {
                        try {
                            super.close();
                        } finally {
                            inflater.end(); // a stream given its Inflater leaves freeing it to the collector
                        }
                    }
                };
            default:
                return raw;
        }
    }

    private static byte[] readCapped(InputStream in, int maxBytes, String coding) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
        byte[] chunk = new byte[8192];
        int n;
        while ((n = in.read(chunk)) != -1) {
            if (out.size() + n > maxBytes) {
                throw new ProxyException(ErrorKind.BODY_TOO_LARGE,
                        "request body decoded from " + coding + " exceeds " + maxBytes + " bytes");
            }
            out.write(chunk, 0, n);
        }
        return out.toByteArray();
    }
}
