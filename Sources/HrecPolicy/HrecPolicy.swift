/// Namespace placeholder for the HrecPolicy capability.
public enum HrecPolicyModule {}
