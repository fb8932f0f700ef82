using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;

namespace UserSync.Functions.Http;

/// <summary>Liveness for probes and load balancers: anonymous, touches nothing.</summary>
public static class HealthFunction
{
    [Function("Health")]
    public static Ok<HealthReport> Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.Health)] HttpRequest request) =>
        TypedResults.Ok(new HealthReport("ok"));
}
