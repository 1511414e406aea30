using Microsoft.Extensions.Options;

namespace RobustLab.Web.Hosting;

/// <summary>
/// The checks that make the app refuse to start (every options class registered with ValidateOnStart, such as
/// Security's "a public address needs an account"), run before anything is logged or started. The host would run them
/// too, but it logs the failure with a stack trace first; a refusal is a configuration mistake and gets one line.
/// </summary>
public static class StartupRefusal
{
    /// <summary>Null when the app may start; otherwise the reasons, on one line.</summary>
    public static string? Check(IServiceProvider services)
    {
        try
        {
            services.GetService<IStartupValidator>()?.Validate();
            return null;
        }
        catch (OptionsValidationException e)
        {
            return Describe(e);
        }
        catch (AggregateException e) when (e.InnerExceptions.All(i => i is OptionsValidationException))
        {
            return string.Join(" ", e.InnerExceptions.Cast<OptionsValidationException>().Select(Describe));
        }
    }

    public static string Describe(OptionsValidationException e) => string.Join(" ", e.Failures);
}
