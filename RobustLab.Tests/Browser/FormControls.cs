using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace RobustLab.Tests.Browser;

/// <summary>How a user fills the New run form's MudBlazor fields: type and leave a text field, pick from a select.</summary>
internal static class FormControls
{
    /// <summary>Types into the text field with this label and leaves it (MudBlazor fields report a change on blur).</summary>
    public static async Task FillAsync(IPage page, string label, string value)
    {
        var input = page.GetByLabel(label, new() { Exact = true });
        await input.FillAsync(value);
        await input.BlurAsync();
        await Assertions.Expect(input).ToHaveValueAsync(value);
    }

    /// <summary>Opens the select (MudSelect: a combobox named by its label) and picks the option whose text starts with <paramref name="option"/>.</summary>
    public static async Task ChooseAsync(IPage page, string label, string option)
    {
        var select = await OpenSelectAsync(page, label);
        await Options(page).Filter(new() { HasTextRegex = new Regex("^\\s*" + Regex.Escape(option)) }).First.ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Listbox)).ToHaveCountAsync(0);
        await ExpectShowsAsync(select, new Regex("^\\s*" + Regex.Escape(option)));
    }

    /// <summary>
    /// Sets a multi-select to exactly <paramref name="chosen"/> among <paramref name="all"/> (options toggle;
    /// aria-selected tells their state), closes it and checks that it shows each chosen value.
    /// </summary>
    public static async Task ChooseManyAsync(IPage page, string label, IEnumerable<string> all, params string[] chosen)
    {
        var select = await OpenSelectAsync(page, label);
        foreach (string name in all)
        {
            var item = Options(page).Filter(new() { HasTextRegex = new Regex($"^\\s*{Regex.Escape(name)}\\s*$") });
            await Assertions.Expect(item).ToHaveCountAsync(1);
            bool selected = await item.GetAttributeAsync("aria-selected") == "true";
            if (selected != chosen.Contains(name))
            {
                await item.ClickAsync();
                await Assertions.Expect(item).ToHaveAttributeAsync("aria-selected", chosen.Contains(name) ? "true" : "false");
            }
        }
        await page.Keyboard.PressAsync("Escape");
        await Assertions.Expect(page.GetByRole(AriaRole.Listbox)).ToHaveCountAsync(0);
        // The select shows the chosen values comma-separated, in the order the page keeps them.
        string pattern = "^\\s*" + string.Join("", chosen.Select(c => $"(?=.*\\b{Regex.Escape(c)}\\b)")) + "[^,]*(,\\s*[^,]+){" + (chosen.Length - 1) + "}\\s*$";
        await ExpectShowsAsync(select, new Regex(pattern));
    }

    static async Task<ILocator> OpenSelectAsync(IPage page, string label)
    {
        var select = page.GetByRole(AriaRole.Combobox, new() { Name = label, Exact = true });
        await select.ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Listbox)).ToBeVisibleAsync();
        return select;
    }

    /// <summary>MudSelect shows its value as the text of a div (single) or the value of a text input (multiple).</summary>
    static async Task ExpectShowsAsync(ILocator select, Regex value)
    {
        if (await select.EvaluateAsync<string>("e => e.tagName") == "INPUT") await Assertions.Expect(select).ToHaveValueAsync(value);
        else await Assertions.Expect(select).ToHaveTextAsync(value);
    }

    static ILocator Options(IPage page) => page.GetByRole(AriaRole.Listbox).GetByRole(AriaRole.Option);
}
