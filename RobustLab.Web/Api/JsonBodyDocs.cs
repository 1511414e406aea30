using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace RobustLab.Web.Api;

/// <summary>
/// Documents a JSON request body that the handler reads itself (<see cref="ApiJson.ReadBodyAsync{T}"/>). Accepts&lt;T&gt;
/// would do this too, but it also makes routing refuse other content types with a bare 415; reading the body in the
/// handler instead lets <c>curl -d '{...}'</c> (form content type) work and turns every bad body into a 400 naming the field.
/// </summary>
public static class JsonBodyDocs
{
    public static TBuilder AcceptsJson<TBody, TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddOpenApiOperationTransformer(async (operation, context, ct) =>
        {
            var schema = await context.GetOrCreateSchemaAsync(typeof(TBody), null, ct);
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() { Schema = schema } },
            };
        });
}
