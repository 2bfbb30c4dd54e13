package dev.gatehouse.gateway.connection;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpConstants;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.impl.VertxHttpRequestDecoder;
import java.util.List;

/**
 * Vert.x's request decoder with the framing checks Netty 4.2.9 lacks, applied to the raw bytes just before Netty
 * parses them: every chunk-size line is read strictly by {@link ChunkSizeLine} (Netty wraps sizes modulo 2^32), a
 * folded header line (obs-fold) is refused, and so is Transfer-Encoding together with Content-Length (Netty
 * silently drops the Content-Length). A refusal comes out as a failed message, which
 * {@link ClientConnectionGuard} answers with 400 and a close. It also tells the guard when a request head is
 * arriving but incomplete, for the header-read timeout.
 * <p>
 * Netty's decoder parses at most one chunk-size line per {@code decode} call and never consumes past the CRLF
 * after a chunk's data, so tracking how many bytes each call consumed tells exactly where the next line starts.
 */
final class StrictRequestDecoder extends VertxHttpRequestDecoder {
  /** Chunk extensions allowed per request, in bytes (Node.js uses the same bound against extension floods). */
  static final int MAX_EXTENSION_BYTES = 16 * 1024;

  private enum Expect { HEAD, BODY, CHUNK_SIZE, CHUNK_DATA, TRAILERS, REFUSED }

  private final ClientConnectionGuard guard;
  private Expect expect = Expect.HEAD;
  /** The parser already consumed part of the current head (its request line or some header lines). */
  private boolean headUnderway;
  /** Bytes of the current chunk's data plus its CRLF that Netty has yet to consume. */
  private long chunkRemaining;
  private int extensionBytes;

  StrictRequestDecoder(HttpServerOptions options, ClientConnectionGuard guard) {
    super(options);
    this.guard = guard;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
    switch (expect) {
      case HEAD -> decodeHead(ctx, in, out);
      case CHUNK_SIZE -> decodeChunkSizeLine(ctx, in, out);
      case CHUNK_DATA -> {
        int before = in.readerIndex();
        int emitted = out.size();
        super.decode(ctx, in, out);
        chunkRemaining -= in.readerIndex() - before;
        if (!failed(out, emitted) && chunkRemaining == 0) {
          expect = Expect.CHUNK_SIZE;
        }
      }
      case BODY, TRAILERS -> {
        int emitted = out.size();
        super.decode(ctx, in, out);
        if (!failed(out, emitted) && ended(out, emitted)) {
          expect = Expect.HEAD;
        }
      }
      case REFUSED -> in.skipBytes(in.readableBytes());
    }
  }

  /** Netty removes Content-Length and reads the body as chunked; a front proxy may have used the Content-Length. */
  @Override
  protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
    throw new RequestFramingException("Send either Transfer-Encoding or Content-Length, not both.");
  }

  private void decodeHead(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
    int start = in.readerIndex();
    if (!headUnderway) {
      // Netty skips control characters and whitespace before a request line; so does the fold check.
      while (start < in.writerIndex() && isSkippedBeforeRequestLine(in.getByte(start))) {
        start++;
      }
    }
    String fold = foldedLine(in, start, headUnderway);
    if (fold != null) {
      refuse(out, fold, true);
      return;
    }
    int emitted = out.size();
    super.decode(ctx, in, out);
    HttpRequest request = null;
    for (int i = emitted; i < out.size(); i++) {
      if (out.get(i) instanceof HttpRequest r) {
        request = r;
      }
    }
    if (request == null) {
      headUnderway |= in.readerIndex() > start;
      if (headUnderway || start < in.writerIndex()) {
        guard.headIncomplete();
      }
      return;
    }
    headUnderway = false;
    if (failed(out, emitted)) {
      return;
    }
    if (ended(out, emitted)) {
      return; // no body: the next head follows
    }
    extensionBytes = 0;
    expect = HttpUtil.isTransferEncodingChunked(request) ? Expect.CHUNK_SIZE : Expect.BODY;
  }

  private void decodeChunkSizeLine(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
    int from = in.readerIndex();
    int searchEnd = Math.min(in.writerIndex(), from + ChunkSizeLine.MAX_LINE_BYTES + 2);
    int lf = in.indexOf(from, searchEnd, HttpConstants.LF);
    if (lf < 0) {
      if (searchEnd - from > ChunkSizeLine.MAX_LINE_BYTES + 1) {
        refuse(out, "A chunk-size line is longer than " + ChunkSizeLine.MAX_LINE_BYTES + " bytes.", false);
      }
      return; // wait for the rest of the line
    }
    long size;
    try {
      size = ChunkSizeLine.parse(in, from, lf);
    } catch (RequestFramingException e) {
      refuse(out, e.getMessage(), false);
      return;
    }
    extensionBytes += ChunkSizeLine.extensionBytes(in, from, lf);
    if (extensionBytes > MAX_EXTENSION_BYTES) {
      refuse(out, "The chunk extensions of this request exceed " + MAX_EXTENSION_BYTES + " bytes.", false);
      return;
    }
    int lineBytes = lf + 1 - from;
    int emitted = out.size();
    super.decode(ctx, in, out);
    if (failed(out, emitted)) {
      return;
    }
    if (size == 0) {
      expect = Expect.TRAILERS;
      return;
    }
    chunkRemaining = size + 2 - (in.readerIndex() - from - lineBytes);
    expect = chunkRemaining == 0 ? Expect.CHUNK_SIZE : Expect.CHUNK_DATA;
  }

  /**
   * A header line that continues the previous one (obs-fold, RFC 9112 section 5.2) within the head starting at
   * {@code start}, or null. Only line starts are looked at: one {@code indexOf} per header line.
   */
  private static String foldedLine(ByteBuf in, int start, boolean atLineStart) {
    int end = in.writerIndex();
    if (atLineStart && start < end && isFoldStart(in.getByte(start))) {
      return FOLD;
    }
    int at = start;
    while (true) {
      int lf = in.indexOf(at, end, HttpConstants.LF);
      if (lf < 0 || lf + 1 >= end) {
        return null;
      }
      byte next = in.getByte(lf + 1);
      if (isFoldStart(next)) {
        return FOLD;
      }
      if (next == '\r' || next == '\n') {
        return null; // the blank line ending the head
      }
      at = lf + 1;
    }
  }

  private static final String FOLD = "A header line starts with whitespace (obsolete line folding); send each header "
      + "on one line.";

  private static boolean isFoldStart(byte b) {
    return b == ' ' || b == '\t';
  }

  private static boolean isSkippedBeforeRequestLine(byte b) {
    return b >= 0 && (b <= ' ' || b == 0x7f);
  }

  /** Emits a failed message and discards everything after it: nothing more on this connection is read. */
  private void refuse(List<Object> out, String message, boolean inHead) {
    RequestFramingException cause = new RequestFramingException(message);
    HttpObject failed = inHead ? createInvalidMessage() : new DefaultLastHttpContent();
    failed.setDecoderResult(DecoderResult.failure(cause));
    out.add(failed);
    expect = Expect.REFUSED;
  }

  private boolean failed(List<Object> out, int from) {
    for (int i = from; i < out.size(); i++) {
      if (((HttpObject) out.get(i)).decoderResult().isFailure()) {
        expect = Expect.REFUSED;
        return true;
      }
    }
    return false;
  }

  private static boolean ended(List<Object> out, int from) {
    for (int i = from; i < out.size(); i++) {
      if (out.get(i) instanceof LastHttpContent) {
        return true;
      }
    }
    return false;
  }
}
