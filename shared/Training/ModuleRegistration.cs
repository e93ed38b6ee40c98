using System.Reflection;
using TorchSharp;
using TorchSharp.Modules;

namespace DeepLearningCourse.Training;

/// <summary>
/// Finds layers and parameters that a module holds in its fields but never registered. PyTorch registers a layer
/// the moment it is assigned to <c>self</c>; TorchSharp registers what the fields hold when the constructor calls
/// <c>RegisterComponents()</c> (children included), and nothing assigned afterwards. A module that forgets the
/// call, or makes a layer after it, trains silently without those layers: <c>parameters()</c> leaves them out, and
/// the optimiser accepts the shorter (even empty) list.
/// </summary>
static class ModuleRegistration
{
    /// <summary>
    /// One sentence naming every module of <paramref name="model"/> (itself included) whose own fields hold a layer or a
    /// parameter it did not register, or null when there is none. TorchSharp's built-in layers register their own.
    /// </summary>
    public static string? DescribeUnregistered(torch.nn.Module model)
    {
        var findings = new List<string>();
        foreach (var (path, module) in model.named_modules().Prepend(("", model)))
        {
            var fields = UnregisteredFields(module);
            if (fields.Count == 0) continue;
            var where = path.Length == 0 ? $"the model ({module.GetType().Name})" : $"'{path}' ({module.GetType().Name})";
            findings.Add($"{where} holds {string.Join(", ", fields)}");
        }
        return findings.Count == 0 ? null
            : $"Some layers were never registered, so parameters() leaves them out and training would never change them: {string.Join("; ", findings)}. " +
              "A Module class must call RegisterComponents() at the end of its constructor, after every layer is made " +
              "(a layer put in place later needs register_module(name, layer)).";
    }

    static List<string> UnregisteredFields(torch.nn.Module module)
    {
        // A field may point deeper into what the module registered (a wrapper keeping its wrapped network's parts at hand).
        var layers = module.named_modules().Select(named => named.Item2).ToList();
        var parameters = module.named_parameters(recurse: true).Select(named => named.Item2.Handle).ToHashSet();
        var names = new List<string>();
        for (var type = module.GetType(); type is not null && !IsTorchSharps(type); type = type.BaseType)
        {
            foreach (var field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                var registered = field.GetValue(module) switch
                {
                    torch.nn.Module layer => layers.Any(candidate => ReferenceEquals(candidate, layer)),
                    Parameter parameter => parameters.Contains(parameter.Handle),
                    _ => true,
                };
                if (!registered) names.Add(Visible(field));
            }
        }
        return names;
    }

    /// <summary>TorchSharp's and TorchVision's own modules, which register what they hold.</summary>
    static bool IsTorchSharps(Type type) => type.Namespace?.StartsWith(nameof(TorchSharp), StringComparison.Ordinal) == true;

    /// <summary>The field's name as the learner wrote it (an auto-property's backing field is named after the property).</summary>
    static string Visible(FieldInfo field) =>
        field.Name.StartsWith('<') && field.Name.IndexOf('>') is > 1 and var end ? field.Name[1..end] : field.Name;
}
