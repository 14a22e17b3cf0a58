/// Namespace placeholder for the HrecExport capability.
public enum HrecExportModule {}
