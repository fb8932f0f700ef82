namespace UserSync.Core.Alerts;

/// <summary>One receiver an alert goes to and the channels it is reached by, in route order.</summary>
public sealed record ReceiverDelivery(string Receiver, IReadOnlyList<string> Channels);
