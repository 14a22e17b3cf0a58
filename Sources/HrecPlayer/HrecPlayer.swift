/// Namespace placeholder for the HrecPlayer capability.
public enum HrecPlayerModule {}
