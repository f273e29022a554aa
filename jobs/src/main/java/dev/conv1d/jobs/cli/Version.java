package dev.conv1d.jobs.cli;

import picocli.CommandLine.IVersionProvider;

/** Version from the jar manifest when packaged. */
public final class Version implements IVersionProvider {
  @Override
  public String[] getVersion() {
    String v = Version.class.getPackage().getImplementationVersion();
    return new String[] {"conv1d " + (v == null ? "(development build)" : v) + ", Spark "
        + org.apache.spark.package$.MODULE$.SPARK_VERSION() + ", Java " + System.getProperty("java.version")};
  }
}
