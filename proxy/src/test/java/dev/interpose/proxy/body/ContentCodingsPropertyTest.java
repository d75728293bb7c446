package dev.interpose.proxy.body;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.github.luben.zstd.Zstd;
import dev.interpose.proxy.error.ErrorKind;
import dev.interpose.proxy.error.ProxyException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.ByteArrayOutputStream;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Content decoding on random and damaged bodies, from pooled direct buffers: a body either decodes (to at
 * most the cap) or is refused with a {@link ProxyException} (bad request or too large); nothing else is
 * ever thrown, the buffer is only read, and a valid encoding decodes to what was encoded. Tries:
 * {@code jqwik.tries.default}.
 */
class ContentCodingsPropertyTest {
    private static final int CAP = 64 * 1024;

    @Provide
    Arbitrary<String> codings() {
        return Arbitraries.of("gzip", "x-gzip", "deflate", "zstd", "br", "identity", " GZIP ", "compress", "");
    }

    @Provide
    Arbitrary<byte[]> payloads() {
        return Arbitraries.oneOf(Arbitraries.bytes().array(byte[].class).ofMaxSize(3000),
                Arbitraries.integers().between(0, 200_000).map(n -> new byte[n])); // zeros: a small bomb past the cap
    }

    private static Object decode(byte[] body, String coding) {
        ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(Math.max(body.length, 1));
        try {
            buf.writeBytes(body);
            Throwable error = catchThrowable(() -> ContentCodings.decode(buf, coding, CAP));
            assertThat(buf.readerIndex()).isZero();
            assertThat(buf.writerIndex()).isEqualTo(body.length);
            if (error == null) {
                return ContentCodings.decode(buf, coding, CAP);
            }
            assertThat(error).isInstanceOf(ProxyException.class);
            assertThat(((ProxyException) error).kind()).isIn(ErrorKind.BAD_REQUEST, ErrorKind.BODY_TOO_LARGE);
            return error;
        } finally {
            buf.release();
        }
    }

    @Property
    void garbageDecodesOrIsRefusedAndNothingElse(@ForAll("payloads") byte[] body, @ForAll("codings") String coding) {
        Object result = decode(body, coding);
        if (result instanceof byte[]) {
            assertThat(((byte[]) result).length).isLessThanOrEqualTo(CAP);
        }
    }

    @Property
    void aValidBodyDecodesToItselfAndADamagedOneNeverThrowsAnythingElse(@ForAll("payloads") byte[] payload,
            @ForAll @IntRange(min = 0, max = 3) int codec, @ForAll @IntRange(min = 0, max = 4000) int damageAt,
            @ForAll @IntRange(min = 0, max = 2) int damage) throws Exception {
        String coding = codec == 3 ? "zstd" : codec == 0 ? "gzip" : "deflate";
        byte[] encoded = encode(payload, codec);
        Object result = decode(encoded, coding);
        if (payload.length <= CAP) {
            assertThat(result).isInstanceOf(byte[].class);
            assertThat((byte[]) result).isEqualTo(payload);
        } else {
            assertThat(result).isInstanceOf(ProxyException.class);
            assertThat(((ProxyException) result).kind()).isEqualTo(ErrorKind.BODY_TOO_LARGE);
        }
        if (encoded.length > 0) {
            byte[] damaged = encoded.clone();
            int at = damageAt % damaged.length;
            if (damage == 0) {
                damaged[at] ^= (byte) 0x5a;
            } else if (damage == 1) {
                damaged = java.util.Arrays.copyOf(damaged, at); // cut short
            } else {
                damaged[at] = 0;
            }
            decode(damaged, coding); // asserts it decodes or is refused
        }
    }

    private static byte[] encode(byte[] payload, int codec) throws Exception {
        if (codec == 3) {
            return Zstd.compress(payload);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (codec == 0) {
            try (GZIPOutputStream zip = new GZIPOutputStream(out)) {
                zip.write(payload);
            }
        } else {
            Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, codec == 2); // zlib, or raw deflate
            try (DeflaterOutputStream zip = new DeflaterOutputStream(out, deflater)) {
                zip.write(payload);
            } finally {
                deflater.end();
            }
        }
        return out.toByteArray();
    }
}
