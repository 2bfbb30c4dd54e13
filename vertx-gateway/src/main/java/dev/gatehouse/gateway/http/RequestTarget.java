package dev.gatehouse.gateway.http;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The one canonical form of a request target: the normalised path that is authorised and forwarded, plus the
 * raw query (without '?'), or null when there is none.
 *
 * <p>{@link #path()} is decoded exactly once and is what activity regexes see. {@link #encodedPath()} is the
 * same path re-encoded for the wire, so the upstream decodes it back to exactly what was authorised. Case and a
 * trailing slash are kept: whether {@code /a/} also means {@code /a} is for the activity regex to say.
 */
public record RequestTarget(String path, String query) {

  /** Longest raw request target accepted; longer ones are refused before any work is done. */
  public static final int MAX_RAW_LENGTH = 2048;

  private static final String HEX = "0123456789ABCDEF";

  /**
   * Normalises a raw request target (as sent on the request line). Throws {@link BadRequestTargetException}
   * for anything ambiguous: %2F, %5C, ';' parameters, NUL, invalid UTF-8, a fragment, absolute form, too long.
   */
  public static RequestTarget parse(String rawTarget) {
    if (rawTarget == null || rawTarget.isEmpty()) {
      throw new BadRequestTargetException("The request target is empty; send a path starting with '/'.");
    }
    if (rawTarget.length() > MAX_RAW_LENGTH) {
      throw new BadRequestTargetException("The request target is longer than " + MAX_RAW_LENGTH + " characters.");
    }
    requireOriginForm(rawTarget);
    requireVisibleAscii(rawTarget);
    if (rawTarget.indexOf('#') >= 0) {
      throw new BadRequestTargetException("The request target contains a '#' fragment; fragments are never sent to a server.");
    }
    int questionMark = rawTarget.indexOf('?');
    String rawPath = questionMark < 0 ? rawTarget : rawTarget.substring(0, questionMark);
    String query = questionMark < 0 ? null : rawTarget.substring(questionMark + 1);
    return new RequestTarget(normalisePath(rawPath), query);
  }

  /** The path plus '?query' when there is one, path re-encoded: exactly what the upstream receives. */
  public String pathAndQuery() {
    String encoded = encodedPath();
    return query == null ? encoded : encoded + "?" + query;
  }

  /**
   * The path with every character that is not safe in a path segment percent-encoded as UTF-8 (for example a
   * decoded space becomes %20, '%' becomes %25, '?' becomes %3F). Returns {@link #path()} itself when nothing
   * needs encoding, which is the common case.
   */
  public String encodedPath() {
    int firstUnsafe = -1;
    for (int i = 0; i < path.length(); i++) {
      if (!isSafeInPath(path.charAt(i))) {
        firstUnsafe = i;
        break;
      }
    }
    if (firstUnsafe < 0) {
      return path;
    }
    StringBuilder out = new StringBuilder(path.length() + 16).append(path, 0, firstUnsafe);
    for (int i = firstUnsafe; i < path.length(); ) {
      int codePoint = path.codePointAt(i);
      int width = Character.charCount(codePoint);
      if (width == 1 && isSafeInPath((char) codePoint)) {
        out.append((char) codePoint);
      } else {
        for (byte b : path.substring(i, i + width).getBytes(StandardCharsets.UTF_8)) {
          out.append('%').append(HEX.charAt((b >> 4) & 0xF)).append(HEX.charAt(b & 0xF));
        }
      }
      i += width;
    }
    return out.toString();
  }

  /** RFC 3986 pchar minus ';' (never forwarded as a parameter separator) and '%' (always re-encoded). */
  private static boolean isSafeInPath(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '/'
        || "-._~!$&'()*+,=:@".indexOf(c) >= 0;
  }

  private static void requireOriginForm(String rawTarget) {
    if (rawTarget.charAt(0) == '/') {
      return;
    }
    if (rawTarget.equals("*")) {
      throw new BadRequestTargetException("The asterisk-form request target '*' is not served; send a path starting with '/'.");
    }
    if (rawTarget.contains("://")) {
      throw new BadRequestTargetException("Absolute-form request targets (scheme://host/path) are not accepted; send only the path starting with '/'.");
    }
    throw new BadRequestTargetException("The request target must be a path starting with '/' (authority-form and relative targets are not accepted).");
  }

  private static void requireVisibleAscii(String rawTarget) {
    for (int i = 0; i < rawTarget.length(); i++) {
      char c = rawTarget.charAt(i);
      if (c == 0) {
        throw new BadRequestTargetException("The request target contains a NUL byte.");
      }
      if (c == ' ' || c == '\r' || c == '\n' || c == '\t') {
        throw new BadRequestTargetException("The request target contains raw whitespace; percent-encode it (e.g. %20).");
      }
      if (c < 0x20 || c == 0x7F) {
        throw new BadRequestTargetException("The request target contains a control character.");
      }
      if (c > 0x7F) {
        throw new BadRequestTargetException("The request target contains a raw non-ASCII character; percent-encode it as UTF-8.");
      }
    }
  }

  private static String normalisePath(String rawPath) {
    if (rawPath.indexOf('\\') >= 0) {
      throw new BadRequestTargetException("The path contains a backslash '\\'; use '/' to separate segments.");
    }
    if (rawPath.indexOf(';') >= 0) {
      throw new BadRequestTargetException("The path contains ';' (a path parameter); path parameters are not accepted.");
    }
    return resolveSegments(percentDecode(rawPath));
  }

  private static String percentDecode(String rawPath) {
    if (rawPath.indexOf('%') < 0) {
      return rawPath;
    }
    byte[] bytes = new byte[rawPath.length()];
    int length = 0;
    for (int i = 0; i < rawPath.length(); i++) {
      char c = rawPath.charAt(i);
      if (c != '%') {
        bytes[length++] = (byte) c;
        continue;
      }
      int high = i + 2 < rawPath.length() ? Character.digit(rawPath.charAt(i + 1), 16) : -1;
      int low = high >= 0 ? Character.digit(rawPath.charAt(i + 2), 16) : -1;
      if (high < 0 || low < 0) {
        throw new BadRequestTargetException("The path contains a malformed percent-escape; '%' must be followed by two hex digits (use %25 for a literal '%').");
      }
      int decoded = (high << 4) | low;
      rejectDangerousEncodedByte(decoded);
      bytes[length++] = (byte) decoded;
      i += 2;
    }
    String decoded = decodeUtf8(bytes, length);
    for (int i = 0; i < decoded.length(); i++) {
      char c = decoded.charAt(i);
      if (c < 0x20 || (c >= 0x7F && c <= 0x9F)) {
        throw new BadRequestTargetException("The path contains an encoded control character.");
      }
    }
    return decoded;
  }

  private static void rejectDangerousEncodedByte(int decoded) {
    switch (decoded) {
      case 0x00 -> throw new BadRequestTargetException("The path contains an encoded NUL (%00).");
      case '/' -> throw new BadRequestTargetException("The path contains an encoded '/' (%2F); it is ambiguous whether it separates segments, so it is refused.");
      case '\\' -> throw new BadRequestTargetException("The path contains an encoded backslash (%5C); it is refused because servers disagree on its meaning.");
      case ';' -> throw new BadRequestTargetException("The path contains an encoded ';' (%3B); path parameters are not accepted.");
      default -> { }
    }
  }

  private static String decodeUtf8(byte[] bytes, int length) {
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    try {
      CharBuffer chars = decoder.decode(ByteBuffer.wrap(bytes, 0, length));
      return chars.toString();
    } catch (CharacterCodingException e) {
      throw new BadRequestTargetException("The path's percent-encoding is not valid UTF-8.");
    }
  }

  /**
   * Resolves '.' and '..' (RFC 3986 remove_dot_segments) and drops empty segments. A trailing slash is kept, and
   * a path that ends in '.' or '..' ends in '/' afterwards, as the RFC does.
   */
  private static String resolveSegments(String decodedPath) {
    if (!needsResolving(decodedPath)) {
      return decodedPath;
    }
    List<String> kept = new ArrayList<>();
    String[] segments = decodedPath.substring(1).split("/", -1);
    boolean trailingSlash = false;
    for (int i = 0; i < segments.length; i++) {
      String segment = segments[i];
      boolean last = i == segments.length - 1;
      switch (segment) {
        case "", "." -> trailingSlash = last;
        case ".." -> {
          if (kept.isEmpty()) {
            throw new BadRequestTargetException("The path climbs above the root with '..'.");
          }
          kept.remove(kept.size() - 1);
          trailingSlash = last;
        }
        default -> {
          kept.add(segment);
          trailingSlash = false;
        }
      }
    }
    StringBuilder out = new StringBuilder(decodedPath.length());
    for (String segment : kept) {
      out.append('/').append(segment);
    }
    if (trailingSlash || kept.isEmpty()) {
      out.append('/');
    }
    return out.toString();
  }

  private static boolean needsResolving(String path) {
    return path.contains("//") || path.contains("/./") || path.contains("/../")
        || path.endsWith("/.") || path.endsWith("/..");
  }
}
