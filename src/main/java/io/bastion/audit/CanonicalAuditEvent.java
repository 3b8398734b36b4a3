package io.bastion.audit;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SegmentedStringWriter;
import com.fasterxml.jackson.core.util.BufferRecycler;
import io.bastion.audit.AuditRecord.Agent;
import io.bastion.audit.AuditRecord.Coding;
import io.bastion.audit.AuditRecord.Entity;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Writes {@link AuditRecord#toAuditEvent()} as {@link CanonicalJson} would, straight from the record: every
 * audited request pays for this on its event loop, and building the JSON tree only to sort its keys again
 * cost more than the writing. The keys below are therefore written in sorted order by hand, and null
 * members are left out; {@code CanonicalAuditEventTest} holds the output equal to
 * {@code CanonicalJson.encode(record.toAuditEvent())} for every shape of record.
 */
final class CanonicalAuditEvent {

  private static final JsonFactory FACTORY = new JsonFactory();
  /** Codings come from a fixed set; the bound only guards against a caller that ever builds them from input. */
  private static final int MAX_CACHED_CODINGS = 1024;
  private static final Map<Coding, String> CODINGS = new ConcurrentHashMap<>();
  private static final int MAX_KEPT_CHARS = 64 * 1024;
  private static final ThreadLocal<TextOut> TEXT = ThreadLocal.withInitial(TextOut::new);

  private CanonicalAuditEvent() {
  }

  static String encode(AuditRecord record) {
    TextOut out = TEXT.get();
    out.text.setLength(0);
    try {
      // the generator's own buffers come from the factory's per-thread recycler pool
      try (JsonGenerator json = FACTORY.createGenerator(out)) {
        write(json, record);
      }
      return out.text.toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // writing to memory does not fail
    } finally {
      if (out.text.capacity() > MAX_KEPT_CHARS) {
        TEXT.remove(); // an unusually large event (a long query entity): do not keep its buffer
      }
    }
  }

  /**
   * The text of one event as it is written. Kept per thread, with the generator's buffers: a fresh
   * {@code BufferRecycler} per event made ~17 KB of buffers for a ~1.6 KB event, 28% of everything a default
   * read allocated in the node (JFR allocation samples): churn that streams through the caches the rest of the
   * request runs from.
   */
  private static final class TextOut extends Writer {
    final StringBuilder text = new StringBuilder(4096);

    @Override
    public void write(char[] chars, int off, int len) {
      text.append(chars, off, len);
    }

    @Override
    public void write(String str, int off, int len) {
      text.append(str, off, off + len);
    }

    @Override
    public void write(int c) {
      text.append((char) c);
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
  }

  private static void write(JsonGenerator json, AuditRecord record) throws IOException {
    json.writeStartObject();
    json.writeStringField("action", record.action().name());
    json.writeArrayFieldStart("agent");
    for (Agent agent : record.agents()) {
      agent(json, agent);
    }
    json.writeEndArray();
    boolean entities = !record.entities().isEmpty() || record.requestId() != null;
    if (entities) {
      json.writeArrayFieldStart("entity");
      for (Entity entity : record.entities()) {
        entity(json, entity);
      }
      if (record.requestId() != null) {
        json.writeStartObject();
        json.writeFieldName("type");
        coding(json, AuditCodes.ENTITY_REQUEST_ID);
        json.writeObjectFieldStart("what");
        identifier(json, record.requestId());
        json.writeEndObject();
        json.writeEndObject();
      }
      json.writeEndArray();
    }
    json.writeStringField("outcome", record.outcome().code());
    if (record.outcomeDescription() != null) {
      json.writeStringField("outcomeDesc", record.outcomeDescription());
    }
    json.writeStringField("recorded", record.recorded().toString());
    json.writeStringField("resourceType", "AuditEvent");
    json.writeObjectFieldStart("source");
    json.writeObjectFieldStart("observer");
    json.writeStringField("display", record.source());
    json.writeEndObject();
    json.writeArrayFieldStart("type");
    coding(json, AuditCodes.SOURCE_APPLICATION_SERVER);
    json.writeEndArray();
    json.writeEndObject();
    if (record.subtype() != null) {
      json.writeArrayFieldStart("subtype");
      coding(json, record.subtype());
      json.writeEndArray();
    }
    json.writeFieldName("type");
    coding(json, record.type());
    json.writeEndObject();
  }

  private static void agent(JsonGenerator json, Agent agent) throws IOException {
    json.writeStartObject();
    if (agent.networkAddress() != null) {
      json.writeObjectFieldStart("network");
      json.writeStringField("address", agent.networkAddress());
      json.writeStringField("type", "2");
      json.writeEndObject();
    }
    json.writeBooleanField("requestor", agent.requestor());
    if (agent.role() != null) {
      json.writeArrayFieldStart("role");
      json.writeStartObject();
      json.writeStringField("text", agent.role());
      json.writeEndObject();
      json.writeEndArray();
    }
    if (agent.type() != null) {
      json.writeObjectFieldStart("type");
      json.writeArrayFieldStart("coding");
      coding(json, agent.type());
      json.writeEndArray();
      json.writeEndObject();
    }
    json.writeObjectFieldStart("who");
    identifier(json, agent.who());
    json.writeEndObject();
    json.writeEndObject();
  }

  private static void entity(JsonGenerator json, Entity entity) throws IOException {
    json.writeStartObject();
    if (entity.query() != null) {
      json.writeStringField("query",
          Base64.getEncoder().encodeToString(entity.query().getBytes(StandardCharsets.UTF_8)));
    }
    if (entity.role() != null) {
      json.writeFieldName("role");
      coding(json, entity.role());
    }
    if (entity.type() != null) {
      json.writeFieldName("type");
      coding(json, entity.type());
    }
    if (entity.reference() != null) {
      json.writeObjectFieldStart("what");
      json.writeStringField("reference", entity.reference());
      json.writeEndObject();
    }
    json.writeEndObject();
  }

  /** {@code "identifier":{"value":...}} inside an object already open. */
  private static void identifier(JsonGenerator json, String value) throws IOException {
    json.writeObjectFieldStart("identifier");
    json.writeStringField("value", value);
    json.writeEndObject();
  }

  /**
   * Writes the coding from its canonical text, made once per distinct coding: the codings are a handful of
   * constants ({@link AuditCodes}), seven of them in a read's event, and writing them field by field was most
   * of the encoding's cost.
   */
  private static void coding(JsonGenerator json, Coding coding) throws IOException {
    String text = CODINGS.get(coding);
    if (text == null) {
      SegmentedStringWriter out = new SegmentedStringWriter(new BufferRecycler());
      try (JsonGenerator alone = FACTORY.createGenerator(out)) {
        writeCoding(alone, coding);
      }
      text = out.getAndClear();
      if (CODINGS.size() < MAX_CACHED_CODINGS) {
        CODINGS.putIfAbsent(coding, text);
      }
    }
    json.writeRawValue(text);
  }

  private static void writeCoding(JsonGenerator json, Coding coding) throws IOException {
    json.writeStartObject();
    if (coding.code() != null) {
      json.writeStringField("code", coding.code());
    }
    if (coding.display() != null) {
      json.writeStringField("display", coding.display());
    }
    if (coding.system() != null) {
      json.writeStringField("system", coding.system());
    }
    json.writeEndObject();
  }
}
