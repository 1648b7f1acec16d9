#Requires -Version 7.0
# Connect-Baseten, Get-BasetenContext, Disconnect-Baseten and the BASETEN_API_KEY / BASETEN_API_URL fallback,
# against the built module and the emulator.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'CmdletTestSupport.psm1') -Force
    Import-BasetenTestModule

    $savedState = Save-BasetenTestState
    Clear-BasetenTestState
    $emu = Start-BasetenTestEmulator
    $model = $emu.AddModel('context-model')
    $key = $emu.ApiKey
    $maskedKey = '********' + $key.Substring($key.Length - 4)
    $connectCmdlet = 'Baseten.PowerShell.Cmdlets.ConnectBasetenCommand'
}

AfterAll {
    if ($emu) { $emu.Dispose() }
    Restore-BasetenTestState $savedState
}

Describe 'Connect-Baseten' -Tag 'Integration' {
    BeforeEach { Clear-BasetenTestState }

    It 'takes the key as a SecureString: there is no plain-string secret parameter' {
        $parameters = (Get-Command Connect-Baseten).Parameters
        $parameters['ApiKey'].ParameterType | Should -Be ([securestring])
        $parameters['Credential'].ParameterType | Should -Be ([pscredential])

        $common = [System.Management.Automation.PSCmdlet]::CommonParameters + [System.Management.Automation.PSCmdlet]::OptionalCommonParameters
        $stringParameters = $parameters.Values | Where-Object { $_.Name -notin $common -and $_.ParameterType -eq [string] }
        $stringParameters | Should -BeNullOrEmpty
    }

    It 'refuses a plain string for -ApiKey at binding, and stores nothing' {
        { Connect-Baseten -ApiKey 'plain-text-key' -BaseUri $emu.BaseUri } |
            Should -Throw -ErrorId "CannotConvertArgumentNoMessage,$connectCmdlet"
        Get-BasetenContext | Should -BeNullOrEmpty
    }

    It 'signs in with -ApiKey and returns the context with the key masked and Source Session' {
        $context = Connect-Baseten -ApiKey (ConvertTo-TestSecureString $key) -BaseUri $emu.BaseUri

        $context | Should -BeOfType ([Baseten.PowerShell.BasetenContext])
        $context.Source | Should -BeExactly 'Session'
        $context.BaseUri | Should -Be $emu.BaseUri
        $context.ApiKey | Should -BeExactly $maskedKey
        $context.ApiKey | Should -Not -BeLike "*$($key.Substring(0, 12))*"
        $context.TimeoutSec | Should -Be 100
    }

    It 'signs in with -Credential (the password is the key, the user name is ignored)' {
        $credential = [pscredential]::new('anyone', (ConvertTo-TestSecureString $key))
        $context = Connect-Baseten -Credential $credential -BaseUri $emu.BaseUri

        $context.Source | Should -BeExactly 'Session'
        $context.ApiKey | Should -BeExactly $maskedKey

        # The stored key really is the password: the emulator accepts it.
        $environments = Get-BasetenEnvironment -ModelId $model.Id
        $environments.Name | Should -Contain 'production'
    }

    It 'sends no request when signing in' {
        Reset-EmulatorLog $emu
        $null = Connect-Baseten -ApiKey (ConvertTo-TestSecureString 'not-checked-at-sign-in-0123456789') -BaseUri $emu.BaseUri
        @(Get-EmulatorRequest $emu) | Should -BeNullOrEmpty
    }

    It 'masks a Baseten-style key (public prefix, dot, secret) down to its prefix' {
        $secret = [guid]::NewGuid().ToString('N')
        $context = Connect-Baseten -ApiKey (ConvertTo-TestSecureString "abcd1234.$secret") -BaseUri $emu.BaseUri
        $context.ApiKey | Should -BeExactly 'abcd1234.********'
    }

    It 'accepts plain http to a loopback host: <Uri>' -ForEach @(
        @{ Uri = 'http://127.0.0.1:5123/' }
        @{ Uri = 'http://localhost:5123/' }
        @{ Uri = 'http://[::1]:5123/' }
    ) {
        $context = Connect-Baseten -ApiKey (ConvertTo-TestSecureString $key) -BaseUri $Uri
        $context.BaseUri | Should -Be ([uri]$Uri)
        (Get-BasetenContext).BaseUri | Should -Be ([uri]$Uri)
    }

    It 'refuses plain http to another host (InsecureBaseUri, SecurityError) and stores nothing' {
        $err = { Connect-Baseten -ApiKey (ConvertTo-TestSecureString $key) -BaseUri 'http://example.com' } |
            Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeExactly "InsecureBaseUri,$connectCmdlet"
        $err.CategoryInfo.Category | Should -Be ([System.Management.Automation.ErrorCategory]::SecurityError)
        [string]$err.TargetObject | Should -BeLike 'http://example.com*'
        $err.Exception.Message | Should -BeLike '*https*'

        Get-BasetenContext | Should -BeNullOrEmpty
    }

    It 'keeps the previous sign-in when a new one is refused' {
        Connect-BasetenTestEmulator $emu
        { Connect-Baseten -ApiKey (ConvertTo-TestSecureString 'other-key-0123456789abcdef') -BaseUri 'http://example.com' } |
            Should -Throw -ErrorId "InsecureBaseUri,$connectCmdlet"
        $context = Get-BasetenContext
        $context.BaseUri | Should -Be $emu.BaseUri
        $context.ApiKey | Should -BeExactly $maskedKey
    }

    It 'refuses a base URI that is not http(s) (InvalidBaseUri, InvalidArgument)' {
        $err = { Connect-Baseten -ApiKey (ConvertTo-TestSecureString $key) -BaseUri 'ftp://127.0.0.1/' } |
            Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeExactly "InvalidBaseUri,$connectCmdlet"
        $err.CategoryInfo.Category | Should -Be ([System.Management.Automation.ErrorCategory]::InvalidArgument)
        Get-BasetenContext | Should -BeNullOrEmpty
    }

    It 'uses https://api.baseten.co by default' {
        $context = Connect-Baseten -ApiKey (ConvertTo-TestSecureString $key)
        $context.BaseUri | Should -Be ([uri]'https://api.baseten.co/')
        $context.BaseUri.Scheme | Should -BeExactly 'https'
    }

    It 'takes the default base URI from BASETEN_API_URL when set' {
        $env:BASETEN_API_URL = $emu.BaseUri.ToString()
        $context = Connect-Baseten -ApiKey (ConvertTo-TestSecureString $key)
        $context.BaseUri | Should -Be $emu.BaseUri
        $context.Source | Should -BeExactly 'Session'
    }

    It 'refuses -TimeoutSec <Value> (range 1 to 3600)' -ForEach @(
        @{ Value = 0 }
        @{ Value = -5 }
        @{ Value = 3601 }
    ) {
        { Connect-Baseten -ApiKey (ConvertTo-TestSecureString $key) -BaseUri $emu.BaseUri -TimeoutSec $Value } |
            Should -Throw -ErrorId "ParameterArgumentValidationError,$connectCmdlet"
        Get-BasetenContext | Should -BeNullOrEmpty
    }

    It 'accepts -TimeoutSec <Value> and reports it in the context' -ForEach @(
        @{ Value = 1 }
        @{ Value = 3600 }
    ) {
        $context = Connect-Baseten -ApiKey (ConvertTo-TestSecureString $key) -BaseUri $emu.BaseUri -TimeoutSec $Value
        $context.TimeoutSec | Should -Be $Value
        (Get-BasetenContext).TimeoutSec | Should -Be $Value
    }

    It 'refuses an empty key (EmptyApiKey, InvalidArgument)' {
        $err = { Connect-Baseten -ApiKey ([securestring]::new()) -BaseUri $emu.BaseUri } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeExactly "EmptyApiKey,$connectCmdlet"
        $err.CategoryInfo.Category | Should -Be ([System.Management.Automation.ErrorCategory]::InvalidArgument)

        $err = { Connect-Baseten -Credential ([pscredential]::new('bob', [securestring]::new())) -BaseUri $emu.BaseUri } |
            Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeExactly "EmptyApiKey,$connectCmdlet"
        $err.TargetObject | Should -BeExactly 'bob'
        Get-BasetenContext | Should -BeNullOrEmpty
    }

    It '-WhatIf stores nothing and outputs nothing' {
        $output = Connect-Baseten -ApiKey (ConvertTo-TestSecureString $key) -BaseUri $emu.BaseUri -WhatIf
        $output | Should -BeNullOrEmpty
        Get-BasetenContext | Should -BeNullOrEmpty
    }

    It '-WhatIf does not replace an existing sign-in' {
        Connect-BasetenTestEmulator $emu
        $null = Connect-Baseten -ApiKey (ConvertTo-TestSecureString 'whatif-key-0123456789abcdef') -BaseUri 'http://127.0.0.1:1/' -WhatIf
        (Get-BasetenContext).BaseUri | Should -Be $emu.BaseUri
        (Get-BasetenContext).ApiKey | Should -BeExactly $maskedKey
    }

    It '-Confirm:$false signs in' {
        $context = Connect-Baseten -ApiKey (ConvertTo-TestSecureString $key) -BaseUri $emu.BaseUri -Confirm:$false
        $context.Source | Should -BeExactly 'Session'
        (Get-BasetenContext).Source | Should -BeExactly 'Session'
    }

    It 'signing in again replaces the context' {
        Connect-BasetenTestEmulator $emu
        $null = Connect-Baseten -ApiKey (ConvertTo-TestSecureString $key) -BaseUri 'http://localhost:7777/' -TimeoutSec 42
        $context = Get-BasetenContext
        $context.BaseUri | Should -Be ([uri]'http://localhost:7777/')
        $context.TimeoutSec | Should -Be 42
    }
}

Describe 'Get-BasetenContext' -Tag 'Integration' {
    BeforeEach { Clear-BasetenTestState }

    It 'shows the session context (Source Session, masked key)' {
        Connect-BasetenTestEmulator $emu -TimeoutSec 30
        $context = Get-BasetenContext
        @($context).Count | Should -Be 1
        $context.Source | Should -BeExactly 'Session'
        $context.BaseUri | Should -Be $emu.BaseUri
        $context.ApiKey | Should -BeExactly $maskedKey
        $context.TimeoutSec | Should -Be 30
    }

    It 'prefers the session context over the environment variables' {
        $env:BASETEN_API_KEY = 'env-key-0123456789abcdefghij'
        $env:BASETEN_API_URL = 'http://localhost:9/'
        Connect-BasetenTestEmulator $emu
        $context = Get-BasetenContext
        $context.Source | Should -BeExactly 'Session'
        $context.BaseUri | Should -Be $emu.BaseUri
    }

    It 'falls back to BASETEN_API_KEY and BASETEN_API_URL after Disconnect-Baseten (Source Environment)' {
        Connect-Baseten -ApiKey (ConvertTo-TestSecureString 'session-key-0123456789abcdef') -BaseUri 'http://localhost:1/' | Out-Null
        $env:BASETEN_API_KEY = $key
        $env:BASETEN_API_URL = $emu.BaseUri.ToString()
        Disconnect-Baseten

        $context = Get-BasetenContext
        $context.Source | Should -BeExactly 'Environment'
        $context.BaseUri | Should -Be $emu.BaseUri
        $context.ApiKey | Should -BeExactly $maskedKey
        $context.TimeoutSec | Should -Be 100
    }

    It 'uses https://api.baseten.co for the environment key when BASETEN_API_URL is not set' {
        $env:BASETEN_API_KEY = $key
        $context = Get-BasetenContext
        $context.Source | Should -BeExactly 'Environment'
        $context.BaseUri | Should -Be ([uri]'https://api.baseten.co/')
    }

    It 'returns nothing, and writes no error, when signed in nowhere' {
        $output = Get-BasetenContext -ErrorVariable errors
        $output | Should -BeNullOrEmpty
        $errors | Should -BeNullOrEmpty
    }

    It 'reports an insecure BASETEN_API_URL as InsecureBaseUri' {
        $env:BASETEN_API_KEY = $key
        $env:BASETEN_API_URL = 'http://example.com'
        $output = Get-BasetenContext -ErrorVariable errors -ErrorAction SilentlyContinue
        $output | Should -BeNullOrEmpty
        $errors.Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -BeExactly 'InsecureBaseUri,Baseten.PowerShell.Cmdlets.GetBasetenContextCommand'
        $errors[0].CategoryInfo.Category | Should -Be ([System.Management.Automation.ErrorCategory]::SecurityError)
    }

    It 'is process-wide: ForEach-Object -Parallel runspaces see the sign-in' {
        Connect-BasetenTestEmulator $emu
        $psd1 = Get-BasetenTestModulePath
        $seen = 1 | ForEach-Object -Parallel {
            Import-Module $using:psd1
            $c = Get-BasetenContext
            '{0} {1}' -f $c.Source, $c.BaseUri
        }
        $seen | Should -BeExactly "Session $($emu.BaseUri)"
    }
}

Describe 'Disconnect-Baseten' -Tag 'Integration' {
    BeforeEach { Clear-BasetenTestState }

    It 'forgets the session context and returns nothing by default' {
        Connect-BasetenTestEmulator $emu
        $output = Disconnect-Baseten
        $output | Should -BeNullOrEmpty
        Get-BasetenContext | Should -BeNullOrEmpty
    }

    It '-PassThru returns the forgotten context (masked)' {
        Connect-BasetenTestEmulator $emu
        $forgotten = Disconnect-Baseten -PassThru
        $forgotten | Should -BeOfType ([Baseten.PowerShell.BasetenContext])
        $forgotten.Source | Should -BeExactly 'Session'
        $forgotten.BaseUri | Should -Be $emu.BaseUri
        $forgotten.ApiKey | Should -BeExactly $maskedKey
        Get-BasetenContext | Should -BeNullOrEmpty
    }

    It 'does nothing, and writes no error, when not signed in' {
        $output = Disconnect-Baseten -PassThru -ErrorVariable errors
        $output | Should -BeNullOrEmpty
        $errors | Should -BeNullOrEmpty
    }

    It '-WhatIf keeps the context' {
        Connect-BasetenTestEmulator $emu
        Disconnect-Baseten -WhatIf
        (Get-BasetenContext).Source | Should -BeExactly 'Session'
    }

    It 'sends no request' {
        Connect-BasetenTestEmulator $emu
        Reset-EmulatorLog $emu
        Disconnect-Baseten
        @(Get-EmulatorRequest $emu) | Should -BeNullOrEmpty
    }
}

Describe 'Cmdlets that call the API when signed in nowhere' -Tag 'Integration' {
    BeforeAll { Clear-BasetenTestState }
    BeforeEach { Reset-EmulatorLog $emu }

    It '<Name> throws a terminating NotConnected error that names Connect-Baseten and BASETEN_API_KEY, and sends nothing' -ForEach @(
        @{ Name = 'New-BasetenEnvironment'; Cmdlet = 'NewBasetenEnvironmentCommand'; Call = { New-BasetenEnvironment -ModelId $model.Id -Name staging -ErrorAction SilentlyContinue } }
        @{ Name = 'Get-BasetenEnvironment'; Cmdlet = 'GetBasetenEnvironmentCommand'; Call = { Get-BasetenEnvironment -ModelId $model.Id -ErrorAction SilentlyContinue } }
    ) {
        # -ErrorAction SilentlyContinue does not silence it: it is terminating.
        $err = $Call | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeExactly "NotConnected,Baseten.PowerShell.Cmdlets.$Cmdlet"
        $err.CategoryInfo.Category | Should -Be ([System.Management.Automation.ErrorCategory]::AuthenticationError)
        $err.Exception.Message | Should -BeLike '*Connect-Baseten*'
        $err.Exception.Message | Should -BeLike '*BASETEN_API_KEY*'
        @(Get-EmulatorRequest $emu) | Should -BeNullOrEmpty
    }

    It 'stops the whole pipeline once (not once per item)' {
        $err = { 'a', 'b', 'c' | New-BasetenEnvironment -Name staging } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'NotConnected,*'
        @(Get-EmulatorRequest $emu) | Should -BeNullOrEmpty
    }
}

Describe 'Runbook flow: BASETEN_API_KEY and BASETEN_API_URL only, no Connect-Baseten' -Tag 'Integration' {
    BeforeAll {
        Clear-BasetenTestState
        $env:BASETEN_API_KEY = $key
        $env:BASETEN_API_URL = $emu.BaseUri.ToString()
        $runbookModel = $emu.AddModel('runbook-model')
    }
    AfterAll { Clear-BasetenTestState }
    BeforeEach { Reset-EmulatorLog $emu }

    It 'creates an environment with the environment key' {
        $environment = New-BasetenEnvironment -ModelId $runbookModel.Id -Name staging
        $environment | Should -BeOfType ([Baseten.Core.Models.EnvironmentV1])
        $environment.Name | Should -BeExactly 'staging'

        $log = @(Get-EmulatorRequest $emu -Count 1)
        $log.Count | Should -Be 1
        $log[0].Method | Should -BeExactly 'POST'
        $log[0].AuthorizationScheme | Should -BeExactly 'Api-Key'
        $log[0].StatusCode | Should -Be 200
    }

    It 'gets environments with the environment key' {
        $names = (Get-BasetenEnvironment -ModelId $runbookModel.Id).Name
        $names | Should -Contain 'production'
        $names | Should -Contain 'staging'
    }

    It 'Get-BasetenContext reports Source Environment' {
        (Get-BasetenContext).Source | Should -BeExactly 'Environment'
    }

    It 'a wrong environment key is refused by the API (AuthenticationFailed), not treated as signed out' {
        $env:BASETEN_API_KEY = 'wrong-env-key-0123456789abcdef'
        try {
            $output = Get-BasetenEnvironment -ModelId $runbookModel.Id -ErrorVariable errors -ErrorAction SilentlyContinue
            $output | Should -BeNullOrEmpty
            $errors[0].FullyQualifiedErrorId | Should -BeExactly 'AuthenticationFailed,Baseten.PowerShell.Cmdlets.GetBasetenEnvironmentCommand'
        }
        finally {
            $env:BASETEN_API_KEY = $key
        }
    }
}
