/// Namespace placeholder for the HrecSQL capability.
public enum HrecSQLModule {}
