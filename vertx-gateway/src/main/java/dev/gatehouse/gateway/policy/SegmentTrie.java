package dev.gatehouse.gateway.policy;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A trie over path segments with literal and wildcard edges. Matching walks the path in place: no splitting, no
 * substrings, no regex. Every node sits at a fixed depth and has one parent, so a match visits each node at most
 * once, whatever the activities look like.
 */
final class SegmentTrie {

  private final Node root;

  private SegmentTrie(Node root) {
    this.root = root;
  }

  /** The first decision granted by an activity whose pattern matches {@code path}, or null. */
  Decision decide(String path, Collection<String> permissions) {
    return root.decide(path, 1, permissions);
  }

  void collect(String path, List<Activity> matches) {
    root.collect(path, 1, matches);
  }

  private static final Decision[] NONE = new Decision[0];

  private static final class Node {
    final LiteralEdges literals;
    final Node plainSegment;
    final Node anySegment;
    /** Activities whose pattern ends at this node. */
    final Decision[] terminal;

    Node(LiteralEdges literals, Node plainSegment, Node anySegment, Decision[] terminal) {
      this.literals = literals;
      this.plainSegment = plainSegment;
      this.anySegment = anySegment;
      this.terminal = terminal;
    }

    /** Matches the segment starting at {@code from} against this node's edges. */
    Decision decide(String path, int from, Collection<String> permissions) {
      int slash = path.indexOf('/', from);
      int to = slash < 0 ? path.length() : slash;
      Node literal = literals == null ? null : literals.get(path, from, to);
      Decision found = literal == null ? null : literal.continueOrFinish(path, slash, permissions);
      if (found == null && plainSegment != null && plainMatch(path, from, to)) {
        found = plainSegment.continueOrFinish(path, slash, permissions);
      }
      if (found == null && anySegment != null && to > from) {
        found = anySegment.continueOrFinish(path, slash, permissions);
      }
      return found;
    }

    private Decision continueOrFinish(String path, int slash, Collection<String> permissions) {
      if (slash >= 0) {
        return decide(path, slash + 1, permissions);
      }
      for (Decision decision : terminal) {
        if (ActivityIndex.grants(decision.decidingActivity().permissions(), permissions)) {
          return decision;
        }
      }
      return null;
    }

    void collect(String path, int from, List<Activity> matches) {
      int slash = path.indexOf('/', from);
      int to = slash < 0 ? path.length() : slash;
      Node literal = literals == null ? null : literals.get(path, from, to);
      if (literal != null) {
        literal.continueCollecting(path, slash, matches);
      }
      if (plainSegment != null && plainMatch(path, from, to)) {
        plainSegment.continueCollecting(path, slash, matches);
      }
      if (anySegment != null && to > from) {
        anySegment.continueCollecting(path, slash, matches);
      }
    }

    private void continueCollecting(String path, int slash, List<Activity> matches) {
      if (slash >= 0) {
        collect(path, slash + 1, matches);
      } else {
        for (Decision decision : terminal) {
          matches.add(decision.decidingActivity());
        }
      }
    }

    private static boolean plainMatch(String path, int from, int to) {
      if (to <= from) {
        return false;
      }
      for (int i = from; i < to; i++) {
        char c = path.charAt(i);
        if (c == '?' || c == '#') {
          return false;
        }
      }
      return true;
    }
  }

  /** Open-addressing map from segment text to child, looked up by a region of the path without a substring. */
  private static final class LiteralEdges {
    private final String[] keys;
    private final Node[] values;
    private final int mask;

    LiteralEdges(Map<String, Node> edges) {
      int capacity = Integer.highestOneBit(Math.max(2, edges.size() * 2 - 1)) << 1;
      keys = new String[capacity];
      values = new Node[capacity];
      mask = capacity - 1;
      edges.forEach((key, node) -> {
        int slot = spread(key.hashCode()) & mask;
        while (keys[slot] != null) {
          slot = (slot + 1) & mask;
        }
        keys[slot] = key;
        values[slot] = node;
      });
    }

    Node get(String path, int from, int to) {
      int hash = 0;
      for (int i = from; i < to; i++) {
        hash = 31 * hash + path.charAt(i);
      }
      int length = to - from;
      for (int slot = spread(hash) & mask; ; slot = (slot + 1) & mask) {
        String key = keys[slot];
        if (key == null) {
          return null;
        }
        if (key.length() == length && path.regionMatches(from, key, 0, length)) {
          return values[slot];
        }
      }
    }

    private static int spread(int hash) {
      return hash ^ (hash >>> 16);
    }
  }

  static final class Builder {
    private final MutableNode root = new MutableNode();

    void add(List<SegmentPattern> segments, Activity activity) {
      MutableNode node = root;
      for (SegmentPattern segment : segments) {
        node = switch (segment.kind()) {
          case LITERAL -> node.literals.computeIfAbsent(segment.literal(), s -> new MutableNode());
          case PLAIN_SEGMENT -> node.plainSegment == null ? (node.plainSegment = new MutableNode()) : node.plainSegment;
          case ANY_SEGMENT -> node.anySegment == null ? (node.anySegment = new MutableNode()) : node.anySegment;
        };
      }
      node.terminal.add(Decision.allowedBy(activity));
    }

    SegmentTrie build() {
      return new SegmentTrie(root.freeze());
    }
  }

  private static final class MutableNode {
    final Map<String, MutableNode> literals = new LinkedHashMap<>();
    MutableNode plainSegment;
    MutableNode anySegment;
    final List<Decision> terminal = new ArrayList<>();

    Node freeze() {
      LiteralEdges edges = null;
      if (!literals.isEmpty()) {
        Map<String, Node> frozen = new LinkedHashMap<>();
        literals.forEach((key, child) -> frozen.put(key, child.freeze()));
        edges = new LiteralEdges(frozen);
      }
      return new Node(edges,
          plainSegment == null ? null : plainSegment.freeze(),
          anySegment == null ? null : anySegment.freeze(),
          terminal.isEmpty() ? NONE : terminal.toArray(Decision[]::new));
    }
  }
}
