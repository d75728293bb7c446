package dev.interpose.proxy.stream;

import dev.interpose.proxy.dialect.AnswerAssembler;

/** A stream's events, to an answer's {@link AnswerAssembler}: only those it wants are kept. Same thread as the decoder. */
public final class AssemblerListener implements SseDecoder.Listener {
    private final AnswerAssembler assembler;

    public AssemblerListener(AnswerAssembler assembler) {
        this.assembler = assembler;
    }

    @Override
    public boolean wants(String event) {
        return assembler.wants(event);
    }

    @Override
    public void onEvent(String event, byte[] data, int length, boolean truncated) {
        assembler.onEvent(data, length, truncated);
    }
}
