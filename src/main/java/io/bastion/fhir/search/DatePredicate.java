package io.bastion.fhir.search;

import static io.bastion.fhir.search.Criteria.badValue;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * A date value with its prefix, against a stored range [low, high] (both inclusive):
 * eq: the stored range lies within the value's; ne: it does not; gt: it reaches past the value's end;
 * lt: it starts before the value's start; ge: it reaches the value's start or later; le: it starts at
 * or before the value's end; sa: it starts after the value's end; eb: it ends before the value's start;
 * ap: it overlaps the value widened by 10% of its distance from now.
 */
record DatePredicate(String prefix, DateRange range, Instant now) {

  static DatePredicate parse(String name, String value, Instant now) {
    Criteria.Prefixed p = Criteria.Prefixed.of(value);
    try {
      // a zone's '+' that the client did not percent-encode arrives as a space (form decoding); no date holds one
      return new DatePredicate(p.prefix(), DateRange.parse(p.rest().replace(' ', '+')), now);
    } catch (IllegalArgumentException e) {
      throw badValue(name, "a date is [prefix]YYYY[-MM[-DD[Thh:mm[:ss[.fff]][zone]]]], prefix one of eq ne gt lt ge le sa eb ap");
    }
  }

  /** The same predicate on dates stored shifted (PHI encryption): shifting both sides keeps every comparison. */
  DatePredicate shifted(java.time.Duration by) {
    return by.isZero() ? this : new DatePredicate(prefix, range.shifted(by), now.plus(by));
  }

  String sql(Sql sql, String low, String high) {
    OffsetDateTime ql = range.low().atOffset(ZoneOffset.UTC);
    OffsetDateTime qh = range.high().atOffset(ZoneOffset.UTC);
    return switch (prefix) {
      case "eq" -> "(" + low + " >= " + sql.bind(ql) + " AND " + high + " <= " + sql.bind(qh) + ")";
      case "ne" -> "(" + low + " < " + sql.bind(ql) + " OR " + high + " > " + sql.bind(qh) + ")";
      case "gt" -> high + " > " + sql.bind(qh);
      case "lt" -> low + " < " + sql.bind(ql);
      case "ge" -> high + " >= " + sql.bind(ql);
      case "le" -> low + " <= " + sql.bind(qh);
      case "sa" -> low + " > " + sql.bind(qh);
      case "eb" -> high + " < " + sql.bind(ql);
      default -> {
        long lowGap = Math.abs(now.getEpochSecond() - range.low().getEpochSecond()) / 10;
        long highGap = Math.abs(now.getEpochSecond() - range.high().getEpochSecond()) / 10;
        yield "(" + low + " <= " + sql.bind(qh.plusSeconds(highGap)) + " AND " + high + " >= "
            + sql.bind(ql.minusSeconds(lowGap)) + ")";
      }
    };
  }
}
