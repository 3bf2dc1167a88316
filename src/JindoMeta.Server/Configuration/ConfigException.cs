namespace JindoMeta.Server.Configuration;

/// <summary>A configuration problem; the message is one line that names the key (or file) and what is wrong.</summary>
public sealed class ConfigException(string message) : Exception(message);
