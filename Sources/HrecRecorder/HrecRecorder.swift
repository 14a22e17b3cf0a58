/// Namespace placeholder for the HrecRecorder capability.
public enum HrecRecorderModule {}
