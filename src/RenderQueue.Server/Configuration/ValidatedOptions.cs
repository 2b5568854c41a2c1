using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace RenderQueue.Server.Configuration;

/// <summary>Options that know their own rules: each problem names the configuration key and the bad value.</summary>
internal interface IValidatedOptions
{
    /// <summary>Problems with the values bound from <paramref name="section"/>; empty when all is well.</summary>
    IEnumerable<string> Validate(string section);
}

internal static class ValidatedOptions
{
    /// <summary>Binds <typeparamref name="T"/> to <paramref name="section"/>, rejects unknown keys (typos), and
    /// validates it when the host starts so a bad value stops the server with a clear message.</summary>
    public static IServiceCollection AddValidatedOptions<T>(this IServiceCollection services, string section)
        where T : class, IValidatedOptions
    {
        services.AddOptions<T>()
            .BindConfiguration(section, binder => binder.ErrorOnUnknownConfiguration = true)
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<T>>(new Validator<T>(section)));
        return services;
    }

    /// <summary>A problem when <paramref name="value"/> lies outside [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static IEnumerable<string> Range(string key, TimeSpan value, TimeSpan min, TimeSpan max)
    {
        if (value < min || value > max)
            yield return $"{key} must be between {min:c} and {max:c}; it is {value:c}.";
    }

    public static IEnumerable<string> Range(string key, long value, long min, long max)
    {
        if (value < min || value > max)
            yield return FormattableString.Invariant($"{key} must be between {min} and {max}; it is {value}.");
    }

    private sealed class Validator<T>(string section) : IValidateOptions<T> where T : class, IValidatedOptions
    {
        public ValidateOptionsResult Validate(string? name, T options)
        {
            var failures = options.Validate(section).ToList();
            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }
    }
}
