namespace UserSync.FunctionsHost.App;

public enum BindingDirection
{
    In,
    Out,
    InOut,
}
