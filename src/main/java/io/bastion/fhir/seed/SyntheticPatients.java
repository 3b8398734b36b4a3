package io.bastion.fhir.seed;

import io.bastion.fhir.store.ResourceStore.NewResource;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * Realistic synthetic patients for demos and benchmarks: each a Patient with encounters, observations (vital
 * signs and labs, LOINC with UCUM units and plausible values), conditions (SNOMED CT), medication requests
 * (RxNorm), allergies (SNOMED CT) and immunizations (CVX), referring to each other by {@code Type/id}.
 *
 * <p>Deterministic: patient {@code n} of seed {@code s} is the same resources, ids included, on every run;
 * the only source of randomness is a {@link SplittableRandom} per patient derived from (s, n), and every date
 * counts back from {@link #REFERENCE_DATE}. About 10 observations per patient on average.
 */
public final class SyntheticPatients {

  /** "Today" for the generated histories: no wall clock in the data. */
  public static final LocalDate REFERENCE_DATE = LocalDate.of(2026, 1, 1);
  public static final String LOINC = "http://loinc.org";
  public static final String SNOMED = "http://snomed.info/sct";
  public static final String RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm";
  public static final String CVX = "http://hl7.org/fhir/sid/cvx";
  public static final String UCUM = "http://unitsofmeasure.org";
  public static final String MRN_SYSTEM = "urn:oid:2.16.840.1.113883.3.9999.1";
  static final String SSN_SYSTEM = "http://hl7.org/fhir/sid/us-ssn";
  private static final String OBS_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category";
  private static final String ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode";

  private static final String[] MALE = {"James", "John", "Robert", "Michael", "William", "David", "Richard", "Joseph",
      "Thomas", "Carlos", "Daniel", "Matthew", "Anthony", "Mark", "Luis", "Kevin", "Brian", "George", "Ahmed", "Wei"};
  private static final String[] FEMALE = {"Mary", "Patricia", "Jennifer", "Linda", "Elizabeth", "Barbara", "Susan",
      "Jessica", "Sarah", "Karen", "Lisa", "Nancy", "Maria", "Sofia", "Emily", "Aisha", "Olivia", "Chloé", "Mei", "Ana"};
  private static final String[] FAMILY = {"Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis",
      "Rodriguez", "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore",
      "Jackson", "Martin", "Lee", "Pérez", "Thompson", "White", "Harris", "Sánchez", "Clark", "Ramirez", "Lewis",
      "Robinson", "Walker", "Young", "Allen", "King", "Wright", "Scott", "Nguyen", "Hill", "Flores", "Green", "Müller",
      "Kowalski", "O'Brien", "Chen", "Patel", "Kim", "Dubois", "Rossi", "Silva", "Novak"};
  private static final String[] STREETS = {"Main St", "Oak Ave", "Maple Dr", "Cedar Ln", "Elm St", "Park Rd",
      "Washington Blvd", "Lake View Dr", "Hillcrest Ave", "River Rd", "Sunset Blvd", "Pine St"};
  /** city, state, postal code prefix. */
  private static final String[][] CITIES = {{"Boston", "MA", "021"}, {"Springfield", "MA", "011"},
      {"Worcester", "MA", "016"}, {"Hartford", "CT", "061"}, {"Providence", "RI", "029"}, {"Albany", "NY", "122"},
      {"Burlington", "VT", "054"}, {"Portland", "ME", "041"}, {"Manchester", "NH", "031"}, {"New Haven", "CT", "065"}};

  /** LOINC code, display, UCUM unit, low, high, decimals. */
  private record Measure(String code, String display, String unit, double low, double high, int scale) {
  }

  private static final Measure HEART_RATE = new Measure("8867-4", "Heart rate", "/min", 55, 100, 0);
  private static final Measure RESP_RATE = new Measure("9279-1", "Respiratory rate", "/min", 12, 20, 0);
  private static final Measure TEMPERATURE = new Measure("8310-5", "Body temperature", "Cel", 36.1, 37.6, 1);
  private static final Measure WEIGHT = new Measure("29463-7", "Body weight", "kg", 48, 115, 1);
  private static final Measure HEIGHT = new Measure("8302-2", "Body height", "cm", 150, 195, 1);
  private static final Measure BMI = new Measure("39156-5", "Body mass index (BMI) [Ratio]", "kg/m2", 15, 45, 1);
  private static final Measure SPO2 = new Measure("2708-6", "Oxygen saturation in Arterial blood", "%", 93, 100, 0);
  private static final Measure SYSTOLIC = new Measure("8480-6", "Systolic blood pressure", "mm[Hg]", 100, 160, 0);
  private static final Measure DIASTOLIC = new Measure("8462-4", "Diastolic blood pressure", "mm[Hg]", 60, 100, 0);
  static final String BP_PANEL = "85354-9";
  private static final Measure[] VITALS = {HEART_RATE, RESP_RATE, TEMPERATURE, SPO2};
  private static final Measure[] LABS = {
      new Measure("2339-0", "Glucose [Mass/volume] in Blood", "mg/dL", 70, 180, 0),
      new Measure("2093-3", "Cholesterol [Mass/volume] in Serum or Plasma", "mg/dL", 130, 270, 0),
      new Measure("4548-4", "Hemoglobin A1c/Hemoglobin.total in Blood", "%", 4.5, 9.5, 1),
      new Measure("2160-0", "Creatinine [Mass/volume] in Serum or Plasma", "mg/dL", 0.6, 1.4, 2),
      new Measure("718-7", "Hemoglobin [Mass/volume] in Blood", "g/dL", 11.5, 17.5, 1),
      new Measure("6690-2", "Leukocytes [#/volume] in Blood by Automated count", "10*3/uL", 3.8, 11, 1),
      new Measure("2951-2", "Sodium [Moles/volume] in Serum or Plasma", "mmol/L", 135, 146, 0),
      new Measure("2823-3", "Potassium [Moles/volume] in Serum or Plasma", "mmol/L", 3.5, 5.2, 1)};

  /** SNOMED code, display, the RxNorm code and display of its usual medication (null: none). */
  private static final String[][] CONDITIONS = {
      {"44054006", "Diabetes mellitus type 2", "6809", "metformin"},
      {"38341003", "Hypertensive disorder", "29046", "lisinopril"},
      {"55822004", "Hyperlipidemia", "83367", "atorvastatin"},
      {"195967001", "Asthma", "435", "albuterol"},
      {"35489007", "Depressive disorder", "36437", "sertraline"},
      {"10509002", "Acute bronchitis", "723", "amoxicillin"},
      {"444814009", "Viral sinusitis", "161", "acetaminophen"},
      {"239873007", "Osteoarthritis of knee", "5640", "ibuprofen"},
      {"271737000", "Anemia", null, null},
      {"40055000", "Chronic sinusitis", null, null}};
  private static final String[][] ALLERGIES = {{"91936005", "Allergy to penicillin", "medication"},
      {"91935009", "Allergy to peanuts", "food"}, {"300913006", "Shellfish allergy", "food"},
      {"418689008", "Allergy to grass pollen", "environment"}, {"232347008", "Dander (animal) allergy", "environment"},
      {"419474003", "Allergy to mould", "environment"}};
  private static final String[][] VACCINES = {{"140", "Influenza, seasonal, injectable, preservative free"},
      {"208", "COVID-19, mRNA, LNP-S, PF, 30 mcg/0.3 mL dose"}, {"115", "Tdap"}, {"113", "Td (adult), 5 Lf tetanus toxoid, preservative free, adsorbed"},
      {"133", "Pneumococcal conjugate PCV 13"}, {"08", "Hep B, adolescent or pediatric"}, {"03", "MMR"},
      {"21", "varicella"}, {"62", "HPV, quadrivalent"}};
  private static final String[][] ENCOUNTER_TYPES = {{"185349003", "Encounter for check up"},
      {"162673000", "General examination of patient"}, {"185345009", "Encounter for symptom"},
      {"390906007", "Follow-up encounter"}};

  private final long seed;

  public SyntheticPatients(long seed) {
    this.seed = seed;
  }

  /** Patient {@code n} and everything about them, the Patient first. */
  public List<NewResource> patient(int n) {
    SplittableRandom r = new SplittableRandom(mix(seed * 0x9E3779B97F4A7C15L + n));
    List<NewResource> out = new ArrayList<>(20);
    String patientId = id(r);
    boolean male = r.nextBoolean();
    String given = pick(r, male ? MALE : FEMALE);
    String family = pick(r, FAMILY);
    int ageYears = r.nextInt(1, 91);
    LocalDate birth = REFERENCE_DATE.minusYears(ageYears).minusDays(r.nextInt(365));
    String[] city = CITIES[r.nextInt(CITIES.length)];
    JsonObject patient = new JsonObject()
        .put("resourceType", "Patient")
        .put("identifier", new JsonArray()
            .add(new JsonObject().put("use", "usual").put("type", concept("http://terminology.hl7.org/CodeSystem/v2-0203",
                "MR", "Medical record number")).put("system", MRN_SYSTEM)
                .put("value", String.format(Locale.ROOT, "MRN%03d%07d", seed & 0x3FF, n)))
            .add(new JsonObject().put("system", SSN_SYSTEM).put("value", String.format(Locale.ROOT, "999-%02d-%04d",
                r.nextInt(10, 100), r.nextInt(1, 10000)))))
        .put("active", true)
        .put("name", new JsonArray().add(new JsonObject().put("use", "official").put("family", family)
            .put("given", new JsonArray().add(given))))
        .put("telecom", new JsonArray()
            .add(new JsonObject().put("system", "phone").put("value", String.format(Locale.ROOT, "555-%03d-%04d",
                r.nextInt(200, 1000), r.nextInt(10000))).put("use", r.nextBoolean() ? "home" : "mobile"))
            .add(new JsonObject().put("system", "email").put("value",
                ascii(given + "." + family) + n + "@example.org")))
        .put("gender", male ? "male" : "female")
        .put("birthDate", birth.toString())
        .put("address", new JsonArray().add(new JsonObject().put("use", "home")
            .put("line", new JsonArray().add(r.nextInt(1, 9999) + " " + pick(r, STREETS)))
            .put("city", city[0]).put("state", city[1])
            .put("postalCode", city[2] + String.format(Locale.ROOT, "%02d", r.nextInt(100))).put("country", "US")));
    out.add(new NewResource("Patient", patientId, patient));
    String subject = "Patient/" + patientId;
    JsonObject subjectRef = new JsonObject().put("reference", subject).put("display", given + " " + family);

    // Conditions first: medications follow from them.
    int conditionCount = ageYears < 18 ? r.nextInt(0, 2) : r.nextInt(0, 4);
    List<String[]> conditions = new ArrayList<>();
    for (int i = 0; i < conditionCount; i++) {
      String[] c = CONDITIONS[r.nextInt(CONDITIONS.length)];
      if (!conditions.contains(c)) {
        conditions.add(c);
      }
    }
    int encounters = r.nextInt(1, 4);
    double heightCm = ageYears < 18 ? 80 + ageYears * 5.5 : value(r, HEIGHT);
    double bmi = ageYears < 18 ? 15 + r.nextDouble() * 6 : 19 + r.nextDouble() * 16;
    String firstEncounter = null;
    LocalDateTime firstStart = null;
    for (int e = 0; e < encounters; e++) {
      String encounterId = id(r);
      LocalDateTime start = REFERENCE_DATE.atTime(8, 0).minusDays(r.nextInt(1, 5 * 365))
          .plusMinutes(r.nextInt(0, 9 * 60));
      if (firstEncounter == null) {
        firstEncounter = encounterId;
        firstStart = start;
      }
      LocalDateTime end = start.plusMinutes(15 + r.nextInt(46));
      String[] type = pick(r, ENCOUNTER_TYPES);
      out.add(new NewResource("Encounter", encounterId, new JsonObject()
          .put("resourceType", "Encounter")
          .put("status", "finished")
          .put("class", new JsonObject().put("system", ACT_CODE).put("code", "AMB").put("display", "ambulatory"))
          .put("type", new JsonArray().add(concept(SNOMED, type[0], type[1])))
          .put("subject", subjectRef)
          .put("period", new JsonObject().put("start", instant(start)).put("end", instant(end)))));
      JsonObject encounterRef = new JsonObject().put("reference", "Encounter/" + encounterId);
      String when = instant(start.plusMinutes(5));
      // vital signs: blood pressure, weight and BMI at every visit, one or two of the others
      int systolic = (int) value(r, SYSTOLIC);
      int diastolic = Math.min(systolic - 25, (int) value(r, DIASTOLIC));
      out.add(new NewResource("Observation", id(r), observation("vital-signs", BP_PANEL,
          "Blood pressure panel with all children optional", subjectRef, encounterRef, when)
          .put("component", new JsonArray()
              .add(new JsonObject().put("code", concept(LOINC, SYSTOLIC.code, SYSTOLIC.display))
                  .put("valueQuantity", quantity(systolic, SYSTOLIC.unit)))
              .add(new JsonObject().put("code", concept(LOINC, DIASTOLIC.code, DIASTOLIC.display))
                  .put("valueQuantity", quantity(diastolic, DIASTOLIC.unit))))));
      double weight = bmi * heightCm * heightCm / 10000 * (0.97 + r.nextDouble() * 0.06);
      out.add(new NewResource("Observation", id(r), measured(WEIGHT, round(weight, 1), subjectRef, encounterRef, when)));
      out.add(new NewResource("Observation", id(r), measured(BMI, round(weight * 10000 / (heightCm * heightCm), 1),
          subjectRef, encounterRef, when)));
      if (e == 0) {
        out.add(new NewResource("Observation", id(r), measured(HEIGHT, round(heightCm, 1), subjectRef, encounterRef, when)));
      }
      int vitals = r.nextInt(0, 3);
      for (int v = 0; v < vitals; v++) {
        Measure m = VITALS[r.nextInt(VITALS.length)];
        out.add(new NewResource("Observation", id(r), measured(m, round(value(r, m), m.scale), subjectRef, encounterRef,
            when)));
      }
      // labs at about half the visits, more of them for the chronically ill
      if (r.nextInt(2) == 0 || !conditions.isEmpty() && r.nextInt(3) == 0) {
        int labs = r.nextInt(1, 4);
        String drawn = instant(start.plusMinutes(20));
        for (int l = 0; l < labs; l++) {
          Measure m = LABS[r.nextInt(LABS.length)];
          out.add(new NewResource("Observation", id(r), measured(m, round(value(r, m), m.scale), subjectRef, encounterRef,
              drawn).put("category", new JsonArray().add(new JsonObject().put("coding", new JsonArray()
              .add(new JsonObject().put("system", OBS_CATEGORY).put("code", "laboratory")
                  .put("display", "Laboratory")))))));
        }
      }
    }
    JsonObject firstEncounterRef = new JsonObject().put("reference", "Encounter/" + firstEncounter);
    String diagnosed = instant(firstStart.plusMinutes(30));
    for (String[] c : conditions) {
      String conditionId = id(r);
      out.add(new NewResource("Condition", conditionId, new JsonObject()
          .put("resourceType", "Condition")
          .put("clinicalStatus", concept("http://terminology.hl7.org/CodeSystem/condition-clinical", "active", "Active"))
          .put("verificationStatus", concept("http://terminology.hl7.org/CodeSystem/condition-ver-status", "confirmed",
              "Confirmed"))
          .put("category", new JsonArray().add(concept("http://terminology.hl7.org/CodeSystem/condition-category",
              "encounter-diagnosis", "Encounter Diagnosis")))
          .put("code", concept(SNOMED, c[0], c[1]))
          .put("subject", subjectRef)
          .put("encounter", firstEncounterRef)
          .put("onsetDateTime", diagnosed)
          .put("recordedDate", diagnosed)));
      if (c[2] != null) {
        out.add(new NewResource("MedicationRequest", id(r), new JsonObject()
            .put("resourceType", "MedicationRequest")
            .put("status", "active")
            .put("intent", "order")
            .put("medicationCodeableConcept", concept(RXNORM, c[2], c[3]))
            .put("subject", subjectRef)
            .put("encounter", firstEncounterRef)
            .put("authoredOn", diagnosed)
            .put("reasonReference", new JsonArray().add(new JsonObject().put("reference", "Condition/" + conditionId)))
            .put("dosageInstruction", new JsonArray().add(new JsonObject().put("sequence", 1)
                .put("text", "Take as directed")))));
      }
    }
    if (r.nextInt(4) == 0) {
      String[] a = pick(r, ALLERGIES);
      out.add(new NewResource("AllergyIntolerance", id(r), new JsonObject()
          .put("resourceType", "AllergyIntolerance")
          .put("clinicalStatus", concept("http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical", "active",
              "Active"))
          .put("verificationStatus", concept("http://terminology.hl7.org/CodeSystem/allergyintolerance-verification",
              "confirmed", "Confirmed"))
          .put("type", "allergy")
          .put("category", new JsonArray().add(a[2]))
          .put("criticality", r.nextBoolean() ? "low" : "high")
          .put("code", concept(SNOMED, a[0], a[1]))
          .put("patient", subjectRef)
          .put("recordedDate", diagnosed)));
    }
    int shots = r.nextInt(0, 3);
    for (int i = 0; i < shots; i++) {
      String[] v = pick(r, VACCINES);
      out.add(new NewResource("Immunization", id(r), new JsonObject()
          .put("resourceType", "Immunization")
          .put("status", "completed")
          .put("vaccineCode", concept(CVX, v[0], v[1]))
          .put("patient", subjectRef)
          .put("encounter", firstEncounterRef)
          .put("occurrenceDateTime", instant(firstStart.plusMinutes(40)))
          .put("primarySource", true)));
    }
    return out;
  }

  private static JsonObject observation(String category, String code, String display, JsonObject subject,
      JsonObject encounter, String when) {
    return new JsonObject()
        .put("resourceType", "Observation")
        .put("status", "final")
        .put("category", new JsonArray().add(new JsonObject().put("coding", new JsonArray().add(new JsonObject()
            .put("system", OBS_CATEGORY).put("code", category).put("display", "Vital Signs")))))
        .put("code", concept(LOINC, code, display))
        .put("subject", subject)
        .put("encounter", encounter)
        .put("effectiveDateTime", when)
        .put("issued", when);
  }

  private static JsonObject measured(Measure m, BigDecimal value, JsonObject subject, JsonObject encounter, String when) {
    return observation("vital-signs", m.code, m.display, subject, encounter, when)
        .put("valueQuantity", quantity(value, m.unit));
  }

  private static JsonObject quantity(Number value, String unit) {
    return new JsonObject().put("value", value).put("unit", unit).put("system", UCUM).put("code", unit);
  }

  private static JsonObject concept(String system, String code, String display) {
    return new JsonObject().put("coding", new JsonArray().add(new JsonObject().put("system", system).put("code", code)
        .put("display", display))).put("text", display);
  }

  private static double value(SplittableRandom r, Measure m) {
    // the mean of two draws: values cluster in the middle of the range, as real ones do
    double u = (r.nextDouble() + r.nextDouble()) / 2;
    return m.low + u * (m.high - m.low);
  }

  private static BigDecimal round(double value, int scale) {
    return BigDecimal.valueOf(value).setScale(scale, RoundingMode.HALF_UP);
  }

  private static String instant(LocalDateTime time) {
    return time.atOffset(ZoneOffset.UTC).toInstant().toString();
  }

  private static String id(SplittableRandom r) {
    long high = (r.nextLong() & ~0xF000L) | 0x4000L; // version 4 layout
    long low = (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(high, low).toString();
  }

  private static <T> T pick(SplittableRandom r, T[] from) {
    return from[r.nextInt(from.length)];
  }

  private static String ascii(String text) {
    return java.text.Normalizer.normalize(text, java.text.Normalizer.Form.NFD).replaceAll("[^A-Za-z.]", "")
        .toLowerCase(Locale.ROOT);
  }

  /** SplitMix64's finaliser: neighbouring (seed, n) pairs give unrelated streams. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
