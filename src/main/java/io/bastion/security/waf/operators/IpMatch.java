package io.bastion.security.waf.operators;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code @ipMatch 10.0.0.0/8,192.168.1.1,::1} and {@code @ipMatchFromFile file}: the input is an IP
 * address inside one of the listed addresses or CIDR blocks (IPv4 and IPv6). Literal addresses only:
 * nothing here resolves host names.
 */
public final class IpMatch implements Operator {

  private record Block(byte[] prefix, int bits) {
  }

  private final List<Block> blocks = new ArrayList<>();

  private IpMatch(List<String> entries) {
    for (String e : entries) {
      String t = e.trim();
      if (t.isEmpty() || t.startsWith("#")) {
        continue;
      }
      int slash = t.indexOf('/');
      byte[] addr = parse(slash < 0 ? t : t.substring(0, slash));
      if (addr == null) {
        throw new IllegalArgumentException("not an IP address: " + t);
      }
      int bits = slash < 0 ? addr.length * 8 : Integer.parseInt(t.substring(slash + 1));
      blocks.add(new Block(addr, bits));
    }
  }

  public static IpMatch of(String argument) {
    return new IpMatch(List.of(argument.split(",")));
  }

  public static IpMatch fromFile(String argument, OperatorFactory.Environment env) {
    try {
      return new IpMatch(Files.readAllLines(env.ruleFileDir().resolve(argument.trim())));
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + argument + ": " + e.getMessage());
    }
  }

  /** A literal IPv4/IPv6 address as bytes, or null when the text is not one. */
  static byte[] parse(String s) {
    String t = s.trim();
    if (t.isEmpty() || !(t.indexOf(':') >= 0 || t.chars().allMatch(ch -> ch == '.' || Character.isDigit(ch)))) {
      return null;
    }
    try {
      return InetAddress.getByName(t).getAddress();
    } catch (UnknownHostException | SecurityException e) {
      return null;
    }
  }

  @Override
  public boolean matches(MatchContext ctx, String input) {
    byte[] addr = parse(input);
    if (addr == null) {
      return false;
    }
    for (Block b : blocks) {
      if (b.prefix().length != addr.length) {
        continue;
      }
      int full = b.bits() / 8;
      int rest = b.bits() % 8;
      boolean ok = true;
      for (int i = 0; i < full && ok; i++) {
        ok = addr[i] == b.prefix()[i];
      }
      if (ok && rest > 0) {
        int mask = (0xff << (8 - rest)) & 0xff;
        ok = (addr[full] & mask) == (b.prefix()[full] & mask);
      }
      if (ok) {
        return true;
      }
    }
    return false;
  }

  @Override
  public boolean dependsOnValueOnly() {
    return true;
  }
}
