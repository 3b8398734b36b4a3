package io.bastion.fhir.search;

import io.bastion.fhir.FhirException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A parsed type-level search: the criteria (AND-ed), the result parameters, and what was ignored. Parsing
 * checks everything it can before the database is asked: unknown parameters (400 under strict handling,
 * listed and ignored under lenient), modifiers, value syntax, _count bounds, _sort and _include names.
 *
 * @param elements  the top-level elements to return (_elements, or what _summary=true/text selects); empty: all
 * @param linkQuery the query string that reproduces this search, without _cursor and ignored parameters
 */
public record SearchRequest(String type, List<Criterion> criteria, List<SortKey> sort, int count, Total total,
    Summary summary, Set<String> elements, List<Include> includes, List<Include> revincludes, SearchCursor cursor,
    List<String> ignored, String linkQuery) {

  /** _total: none (the default: a total only when the first page holds every match), estimate, accurate. */
  public enum Total { NONE, ESTIMATE, ACCURATE }

  /**
   * _summary: false (the default), true (the elements R4 marks isSummary), text (text, id, meta and the
   * mandatory elements), data (without the narrative), count (total only).
   */
  public enum Summary { FALSE, TRUE, TEXT, DATA, COUNT }

  private static final Set<String> IGNORED_ALWAYS = Set.of("_format", "_pretty");

  /**
   * AND-ed search parameters per search. Each is a condition PostgreSQL plans as a join of its own, and planning
   * grows faster than their number: 200 chained parameters took 11 s of PostgreSQL CPU to plan on an empty
   * store. Alternatives of one parameter (comma-separated, OR) cost next to nothing and are not counted.
   */
  public static final int MAX_CRITERIA = 32;
  /**
   * _sort keys per search: each key is a subquery evaluated for every match before the page is cut, and the next
   * page's keyset condition grows with the square of their number.
   */
  public static final int MAX_SORT_KEYS = 8;

  /**
   * The limits a request is parsed against.
   *
   * @param maxCriteria AND-ed search parameters, {@link #MAX_CRITERIA} unless the server adds its own (see
   *                    {@link #allowing})
   */
  public record Limits(int defaultCount, int maxCount, int maxIncludes, int maxCriteria) {

    public Limits(int defaultCount, int maxCount, int maxIncludes) {
      this(defaultCount, maxCount, maxIncludes, MAX_CRITERIA);
    }

    /** These limits with room for conditions the server adds to the client's (a compartment, a scope's restriction). */
    public Limits allowing(int added) {
      return new Limits(defaultCount, maxCount, maxIncludes, maxCriteria + added);
    }
  }

  /**
   * @param params the query (and, for POST _search, form) parameters in request order
   * @param strict Prefer: handling=strict; unknown parameters are then a 400
   */
  public static SearchRequest parse(SearchParameters parameters, String type, List<Map.Entry<String, String>> params,
      boolean strict, Limits limits, Instant now) {
    List<Criterion> criteria = new ArrayList<>();
    List<SortKey> sort = new ArrayList<>();
    int count = limits.defaultCount();
    Total total = Total.NONE;
    Summary summary = Summary.FALSE;
    Set<String> elements = new LinkedHashSet<>();
    List<Include> includes = new ArrayList<>();
    List<Include> revincludes = new ArrayList<>();
    String cursorText = null;
    List<String> ignored = new ArrayList<>();
    StringBuilder link = new StringBuilder();
    for (Map.Entry<String, String> param : params) {
      String name = param.getKey();
      String value = param.getValue();
      boolean keep = true;
      switch (name) {
        case "_count" -> count = count(value, limits.maxCount());
        case "_sort" -> {
          sort.clear();
          String[] keys = value.split(",");
          if (keys.length > MAX_SORT_KEYS) {
            throw FhirException.of(400, "too-costly", "_sort takes at most " + MAX_SORT_KEYS + " keys", "_sort");
          }
          for (String key : keys) {
            boolean descending = key.startsWith("-");
            String code = descending ? key.substring(1) : key;
            SearchParameter p = parameters.find(type, code);
            if (p == null || p.type() == SearchParamType.COMPOSITE) {
              throw FhirException.of(400, "not-supported", "_sort names a parameter this type cannot be sorted by", "_sort");
            }
            sort.add(new SortKey(p, descending));
          }
        }
        case "_total" -> total = switch (value) {
          case "none" -> Total.NONE;
          case "estimate" -> Total.ESTIMATE;
          case "accurate" -> Total.ACCURATE;
          default -> throw FhirException.of(400, "value", "_total is none, estimate or accurate", "_total");
        };
        case "_summary" -> summary = switch (value) {
          case "false" -> Summary.FALSE;
          case "true" -> Summary.TRUE;
          case "text" -> Summary.TEXT;
          case "data" -> Summary.DATA;
          case "count" -> Summary.COUNT;
          default -> throw FhirException.of(400, "value", "_summary is true, text, data, count or false", "_summary");
        };
        case "_elements" -> {
          for (String element : value.split(",")) {
            if (!element.matches("[a-zA-Z][a-zA-Z0-9]*(\\[x])?")) {
              throw FhirException.of(400, "value", "_elements is a comma-separated list of top-level element names",
                  "_elements");
            }
            elements.add(element);
          }
        }
        case "_include", "_include:iterate" ->
            includes.add(include(parameters, type, value, name.endsWith(":iterate"), false));
        case "_revinclude", "_revinclude:iterate" ->
            revincludes.add(include(parameters, type, value, name.endsWith(":iterate"), true));
        case "_cursor" -> {
          cursorText = value;
          keep = false;
        }
        default -> {
          if (IGNORED_ALWAYS.contains(name)) {
            keep = name.equals("_format"); // no criterion, but every page of the search comes in the format asked for
            break;
          }
          Criterion criterion = criterion(parameters, type, name, value, now);
          if (criterion == null) {
            if (strict) {
              throw FhirException.of(400, "not-supported", "unknown search parameter '" + name + "' for " + type
                  + " (Prefer: handling=strict)", name);
            }
            ignored.add(name);
            keep = false;
          } else if (criteria.size() == limits.maxCriteria()) {
            throw FhirException.of(400, "too-costly", "at most " + limits.maxCriteria() + " search parameters are "
                + "combined (AND) in one search; give one parameter several values with commas (OR) instead", name);
          } else {
            criteria.add(criterion);
          }
        }
      }
      if (keep) {
        link.append(link.length() == 0 ? "" : "&").append(encode(name)).append('=').append(encode(value));
      }
    }
    if (includes.size() + revincludes.size() > limits.maxIncludes()) {
      throw FhirException.of(400, "too-costly", "at most " + limits.maxIncludes() + " _include and _revinclude");
    }
    if (summary == Summary.TRUE) {
      elements = new LinkedHashSet<>(parameters.summaryElements(type));
    } else if (summary == Summary.TEXT) {
      elements = new LinkedHashSet<>(parameters.mandatoryElements(type));
      elements.add("text");
    }
    SearchCursor cursor = null;
    if (cursorText != null) {
      try {
        cursor = SearchCursor.decode(cursorText, sort.size());
      } catch (IllegalArgumentException e) {
        throw FhirException.of(400, "value", "_cursor is not a page token of this search; start from the first page",
            "_cursor");
      }
    }
    return new SearchRequest(type, List.copyOf(criteria), List.copyOf(sort), count, total, summary, elements,
        List.copyOf(includes), List.copyOf(revincludes), cursor, List.copyOf(ignored), link.toString());
  }

  /** Null when the parameter is unknown for the type (name, chain target or _has parts). */
  static Criterion criterion(SearchParameters parameters, String type, String name, String value, Instant now) {
    if (name.startsWith("_has:")) {
      return Chains.has(parameters, type, name, value, now);
    }
    int dot = name.indexOf('.');
    if (dot > 0) {
      return Chains.chain(parameters, type, name.substring(0, dot), name.substring(dot + 1), value, now);
    }
    int colon = name.indexOf(':');
    String code = colon < 0 ? name : name.substring(0, colon);
    String modifier = colon < 0 ? null : name.substring(colon + 1);
    SearchParameter p = parameters.find(type, code);
    return p == null ? null : Criteria.of(p, modifier, value, now);
  }

  private static Include include(SearchParameters parameters, String type, String value, boolean iterate,
      boolean reverse) {
    String what = reverse ? "_revinclude" : "_include";
    String[] parts = value.split(":");
    if (parts.length < 2 || parts.length > 3) {
      throw FhirException.of(400, "value", what + " is SourceType:parameter[:TargetType]", what);
    }
    if (!reverse && !iterate && !parts[0].equals(type)) {
      throw FhirException.of(400, "value", "_include must start with the searched type (or use _include:iterate)", what);
    }
    SearchParameter p = parameters.find(parts[0], parts[1]);
    if (p == null || p.type() != SearchParamType.REFERENCE) {
      throw FhirException.of(400, "value", what + " names no reference parameter of its source type", what);
    }
    String target = parts.length == 3 ? parts[2] : null;
    if (target != null && !target.matches("[A-Z][A-Za-z]+")) {
      throw FhirException.of(400, "value", what + " target must be a resource type", what);
    }
    return new Include(parts[0], p, target, iterate);
  }

  private static int count(String text, int max) {
    if (!text.matches("[0-9]{1,9}") || Integer.parseInt(text) > max) {
      throw FhirException.of(400, "value", "_count must be an integer from 0 to " + max, "_count");
    }
    return Integer.parseInt(text);
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
