using UserSync.Functions;

var app = HandlerApp.Build(args);
await app.RunAsync();
