package io.bastion.cli;

import io.bastion.Bastion;
import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** One in-process `bastion ctl ...` invocation: its exit code and what it printed. */
record CtlRun(int exit, String out, String err) {

  static CtlRun ctl(String... args) {
    String[] all = new String[args.length + 1];
    all[0] = "ctl";
    System.arraycopy(args, 0, all, 1, args.length);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = new CommandLine(new Bastion()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(all);
    return new CtlRun(exit, out.toString(), err.toString());
  }
}
