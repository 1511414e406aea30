using System.CommandLine;
using System.Text;
using RobustLab.Web.Security;

namespace RobustLab.Web.Cli;

/// <summary>
/// <c>robustlab hash-password [--password P] [--json]</c>: hashes a password for Security:Accounts (read from stdin,
/// hidden when stdin is a terminal). <c>robustlab hash-password --token [--name N] [--json]</c>: makes a new random API
/// token and its hash for Security:ApiTokens. Only the hashes belong in configuration.
/// </summary>
public static class HashPasswordCommand
{
    public static Command Create(CliContext context) => Create(context, Console.In, () => !Console.IsInputRedirected);

    /// <summary>Tests pass the stdin to read and whether it counts as a terminal.</summary>
    public static Command Create(CliContext context, TextReader stdin, Func<bool> stdinIsTerminal)
    {
        var password = new Option<string?>("--password")
        {
            Description = "The password (for scripts; it shows up in the shell history and process list). Default: read from stdin.",
        };
        var token = new Option<bool>("--token") { Description = "Make a new random API token and print it with its hash instead." };
        var name = new Option<string>("--name")
        {
            Description = "With --token: who holds the token (Security:ApiTokens Name).",
            DefaultValueFactory = _ => "script",
        };
        var json = CliOptions.Json();
        var command = new Command("hash-password",
            "Hash a password for Security:Accounts (read from stdin), or with --token make an API token for Security:ApiTokens.")
        {
            password, token, name, json,
        };
        command.SetAction(parsed => parsed.GetValue(token)
            ? Token(context, parsed.GetValue(name) ?? "script", parsed.GetValue(json), parsed.GetValue(password))
            : Password(context, parsed.GetValue(password) ?? ReadPassword(context, stdin, stdinIsTerminal()), parsed.GetValue(json)));
        return command;
    }

    static int Password(CliContext context, string password, bool json)
    {
        if (password.Length == 0)
            throw new UsageException("the password is empty: pipe it on stdin or pass --password.");
        string hash = PasswordHashing.Hash(password);
        if (json)
        {
            CliJson.Write(context.Out, new { passwordHash = hash });
        }
        else
        {
            context.Out.WriteLine(hash);
            context.Error.WriteLine("Put it in appsettings.json: \"Security\": { \"Accounts\": [ { \"User\": \"<name>\", \"PasswordHash\": \"<the line above>\" } ] }");
        }
        return ExitCodes.Ok;
    }

    static int Token(CliContext context, string name, bool json, string? password)
    {
        if (password is not null)
            throw new UsageException("--token makes a random token; it takes no --password.");
        if (string.IsNullOrWhiteSpace(name))
            throw new UsageException("--name must not be empty.");
        string token = ApiTokens.Generate();
        string hash = ApiTokens.Hash(token);
        if (json)
        {
            CliJson.Write(context.Out, new { name, token, tokenHash = hash });
            return ExitCodes.Ok;
        }
        context.Out.WriteLine($"token: {token}");
        context.Out.WriteLine($"  (shown once: the script sends 'Authorization: Bearer {token}')");
        context.Out.WriteLine("appsettings.json:");
        context.Out.WriteLine($"  \"Security\": {{ \"ApiTokens\": [ {{ \"Name\": {System.Text.Json.JsonSerializer.Serialize(name)}, \"TokenHash\": \"{hash}\" }} ] }}");
        return ExitCodes.Ok;
    }

    /// <summary>
    /// From a terminal: prompt on stderr, read without echo, ask twice. From a pipe: the first line, as is except for
    /// the line break (so that `echo pw | robustlab hash-password` hashes "pw").
    /// </summary>
    static string ReadPassword(CliContext context, TextReader stdin, bool terminal)
    {
        if (!terminal)
            return stdin.ReadLine() ?? "";
        string first = ReadHidden(context, "Password: ");
        string second = ReadHidden(context, "Again: ");
        return first == second ? first : throw new UsageException("the two passwords differ.");
    }

    static string ReadHidden(CliContext context, string prompt)
    {
        context.Error.Write(prompt);
        var text = new StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter) break;
            if (key.Key == ConsoleKey.Backspace) { if (text.Length > 0) text.Length--; }
            else if (!char.IsControl(key.KeyChar)) text.Append(key.KeyChar);
        }
        context.Error.WriteLine();
        return text.ToString();
    }
}
