using System.Text;
using static TorchSharp.torch;

namespace DeepLearningCourse.Display;

/// <summary>
/// A network as PyTorch's <c>print(model)</c> shows it: each layer by name and type, with the shapes
/// of its weights, and the total number of parameters. TorchSharp modules have no such text themselves.
/// </summary>
public static class ModuleSummary
{
    public static string Describe(nn.Module module)
    {
        var text = new StringBuilder();
        var total = module.parameters().Sum(p => p.numel());
        text.AppendLine($"{TypeName(module)} ({total.ToString("N0", Formats.Number)} parameters)");
        Append(text, module, depth: 1);
        return text.ToString().TrimEnd();
    }

    /// <summary>"ModuleList", not the CLR's "ModuleList`1".</summary>
    static string TypeName(nn.Module module) => module.GetType().Name.Split('`')[0];

    static void Append(StringBuilder text, nn.Module module, int depth)
    {
        foreach (var (name, child) in module.named_children())
        {
            var own = string.Join("  ", child.named_parameters(recurse: false).Select(p => $"{p.name} {p.parameter.Shape()}"));
            text.Append(' ', depth * 2).Append($"({name}) {TypeName(child)}");
            if (own.Length > 0) text.Append("  ").Append(own);
            text.AppendLine();
            Append(text, child, depth + 1);
        }
    }
}
