/// Namespace placeholder for the HrecGate capability.
public enum HrecGateModule {}
