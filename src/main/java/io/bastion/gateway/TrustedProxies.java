package io.bastion.gateway;

import io.netty.handler.ipfilter.IpFilterRuleType;
import io.netty.handler.ipfilter.IpSubnetFilterRule;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** The proxies whose X-Forwarded-For we believe; everyone else's is ignored. */
public final class TrustedProxies {

  private final List<IpSubnetFilterRule> rules;

  private TrustedProxies(List<IpSubnetFilterRule> rules) {
    this.rules = rules;
  }

  public static TrustedProxies none() {
    return new TrustedProxies(List.of());
  }

  /** Parses IPs and CIDRs; each entry that does not parse is handed to {@code onInvalid}. */
  public static TrustedProxies parse(List<String> entries, Consumer<String> onInvalid) {
    List<IpSubnetFilterRule> rules = new ArrayList<>();
    for (String entry : entries) {
      try {
        String[] parts = entry.split("/", 2);
        InetAddress address = parseLiteral(parts[0]);
        int maxBits = address.getAddress().length * 8;
        int bits = parts.length == 2 ? Integer.parseInt(parts[1]) : maxBits;
        if (bits < 0 || bits > maxBits) {
          throw new IllegalArgumentException("prefix out of range");
        }
        rules.add(new IpSubnetFilterRule(address, bits, IpFilterRuleType.ACCEPT));
      } catch (RuntimeException e) {
        onInvalid.accept(entry);
      }
    }
    return new TrustedProxies(List.copyOf(rules));
  }

  public boolean isEmpty() {
    return rules.isEmpty();
  }

  public boolean trusts(String ip) {
    if (rules.isEmpty() || ip == null) {
      return false;
    }
    InetSocketAddress address;
    try {
      address = new InetSocketAddress(parseLiteral(ip), 0);
    } catch (RuntimeException e) {
      return false;
    }
    for (IpSubnetFilterRule rule : rules) {
      if (rule.matches(address)) {
        return true;
      }
    }
    return false;
  }

  /** Only literal addresses: never a DNS lookup on the request path. */
  private static InetAddress parseLiteral(String text) {
    byte[] bytes = NetUtil.createByteArrayFromIpAddressString(text);
    if (bytes == null) {
      throw new IllegalArgumentException("not an IP literal");
    }
    try {
      return InetAddress.getByAddress(bytes);
    } catch (java.net.UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
  }
}
