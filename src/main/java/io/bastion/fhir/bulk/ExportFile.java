package io.bastion.fhir.bulk;

/** One NDJSON file of a job: its name in the job's directory, the type it holds, how many resources. */
record ExportFile(String name, String type, long count) {

  /** Names the runner writes, and the only ones the download route serves: Type-n.ndjson. */
  static boolean validName(String name) {
    return name != null && name.matches("[A-Z][A-Za-z]{1,63}-[1-9][0-9]{0,8}\\.ndjson");
  }
}
