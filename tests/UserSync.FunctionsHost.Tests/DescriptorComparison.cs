using Google.Protobuf.Reflection;

namespace UserSync.FunctionsHost.Tests;

/// <summary>
/// Every difference between the stand-in's proto (<paramref name="ours"/>) and the protocol's
/// own descriptor (<paramref name="theirs"/>): for each message, enum and service method we
/// declare, the same thing must exist there with the same name, number, type, label and oneof.
/// What we leave out is fine; what we declare must be theirs exactly.
/// </summary>
internal static class DescriptorComparison
{
    public static List<string> Differences(FileDescriptor ours, FileDescriptor theirs)
    {
        var differences = new List<string>();
        if (ours.Package != theirs.Package)
        {
            differences.Add($"package {ours.Package} is {theirs.Package} there");
        }

        foreach (var service in ours.Services)
        {
            var other = theirs.Services.FirstOrDefault(s => s.Name == service.Name);
            if (other is null)
            {
                differences.Add($"service {service.Name} does not exist there");
                continue;
            }

            foreach (var method in service.Methods)
            {
                var match = other.Methods.FirstOrDefault(m => m.Name == method.Name);
                if (match is null)
                {
                    differences.Add($"{service.Name}.{method.Name} does not exist there");
                }
                else if (match.InputType.FullName != method.InputType.FullName || match.OutputType.FullName != method.OutputType.FullName
                         || match.IsClientStreaming != method.IsClientStreaming || match.IsServerStreaming != method.IsServerStreaming)
                {
                    differences.Add($"{service.Name}.{method.Name} has another signature there");
                }
            }
        }

        foreach (var message in ours.MessageTypes)
        {
            CompareMessage(message, theirs, differences);
        }

        foreach (var enumeration in ours.EnumTypes)
        {
            CompareEnum(enumeration, theirs, differences);
        }

        return differences;
    }

    private static void CompareMessage(MessageDescriptor message, FileDescriptor theirs, List<string> differences)
    {
        if (message.GetOptions()?.MapEntry == true)
        {
            return;
        }

        var other = Find<MessageDescriptor>(theirs, message.FullName);
        if (other is null)
        {
            differences.Add($"message {message.FullName} does not exist there");
            return;
        }

        foreach (var field in message.Fields.InFieldNumberOrder())
        {
            var match = other.FindFieldByNumber(field.FieldNumber);
            var where = $"{message.FullName}.{field.Name} = {field.FieldNumber}";
            if (match is null)
            {
                differences.Add($"{where}: no field has that number there");
                continue;
            }

            if (match.Name != field.Name)
            {
                differences.Add($"{where}: that number is {match.Name} there");
            }

            if (Type(match) != Type(field))
            {
                differences.Add($"{where}: type {Type(field)} is {Type(match)} there");
            }

            if (match.IsRepeated != field.IsRepeated)
            {
                differences.Add($"{where}: repeated {field.IsRepeated} is {match.IsRepeated} there");
            }

            var oneof = field.RealContainingOneof?.Name;
            var theirOneof = match.RealContainingOneof?.Name;
            if (oneof != theirOneof)
            {
                differences.Add($"{where}: oneof {oneof ?? "(none)"} is {theirOneof ?? "(none)"} there");
            }
        }

        foreach (var nested in message.NestedTypes)
        {
            CompareMessage(nested, theirs, differences);
        }

        foreach (var nested in message.EnumTypes)
        {
            CompareEnum(nested, theirs, differences);
        }
    }

    private static void CompareEnum(EnumDescriptor enumeration, FileDescriptor theirs, List<string> differences)
    {
        var other = Find<EnumDescriptor>(theirs, enumeration.FullName);
        if (other is null)
        {
            differences.Add($"enum {enumeration.FullName} does not exist there");
            return;
        }

        foreach (var value in enumeration.Values)
        {
            var match = other.FindValueByName(value.Name);
            if (match is null || match.Number != value.Number)
            {
                differences.Add($"{enumeration.FullName}.{value.Name} = {value.Number} is {(match is null ? "missing" : match.Number.ToString(System.Globalization.CultureInfo.InvariantCulture))} there");
            }
        }
    }

    /// <summary>A field's type as a comparable text: scalar kind, or the message / enum it names, with map key and value.</summary>
    private static string Type(FieldDescriptor field)
    {
        if (field.IsMap)
        {
            return $"map<{Type(field.MessageType.FindFieldByNumber(1))}, {Type(field.MessageType.FindFieldByNumber(2))}>";
        }

        return field.FieldType switch
        {
            FieldType.Message => field.MessageType.FullName,
            FieldType.Enum => field.EnumType.FullName,
            FieldType.Group => "group " + field.MessageType.FullName,
            _ => field.FieldType.ToString(),
        };
    }

    private static T? Find<T>(FileDescriptor file, string fullName)
        where T : class, IDescriptor
    {
        IEnumerable<IDescriptor> All(MessageDescriptor m) =>
            new IDescriptor[] { m }.Concat(m.EnumTypes).Concat(m.NestedTypes.SelectMany(All));
        return file.MessageTypes.SelectMany(All).Concat(file.EnumTypes).OfType<T>().FirstOrDefault(d => d.FullName == fullName);
    }
}
