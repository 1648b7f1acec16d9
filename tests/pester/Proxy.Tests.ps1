#Requires -Version 7.0
# Proxy support, proven through a real proxy: Debian's tinyproxy (installed by .ci/run), started by these tests on a
# free 127.0.0.1 port with its own log. A request "went through the proxy" when tinyproxy's log shows it
# ("Request (file descriptor N): GET http://127.0.0.1:<emulator>/v1/... HTTP/1.1").
#
#   - Connect-Baseten -Proxy: every call goes through that proxy (loopback targets too: no bypass); without it, and
#     without proxy environment variables, the proxy sees nothing.
#   - -ProxyCredential against a proxy that demands Basic auth: right, wrong and missing credential; the proxy
#     password never shows in any output, stream or error, and is never sent to the API.
#   - -ProxyCredential / -ProxyUseDefaultCredentials without -Proxy (ProxyWithoutAddress), a bad -Proxy (InvalidProxy).
#   - HTTP_PROXY / HTTPS_PROXY / NO_PROXY, each in a fresh child process (.NET reads them once per process).
#   - Redirects are never followed, so the API key never reaches another host (no tinyproxy needed).
#
# Without tinyproxy the proxy blocks are skipped with a warning; the validation and redirect blocks still run.

BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'ProxySupport.psm1') -Force
    $noTinyproxy = -not (Get-TinyproxyPath)
    if ($noTinyproxy) {
        Write-Warning ('Proxy.Tests.ps1: tinyproxy is not installed, so the tests through a real proxy are SKIPPED. ' +
            'Install it (Debian: apt-get install tinyproxy; .ci/run does this) to run them.')
    }
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'CmdletTestSupport.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'ProxySupport.psm1') -Force
    Import-BasetenTestModule

    $savedState = Save-BasetenTestState
    Clear-BasetenTestState
    $emu = Start-BasetenTestEmulator
    $model = $emu.AddModel('proxy-model')
    $emuAuthority = $emu.BaseUri.GetLeftPart([System.UriPartial]::Authority)   # http://127.0.0.1:<port>

    # The proxy's account: long and unique, so any appearance anywhere is a leak.
    $proxyUser = 'btproxyuser'
    $proxyPassword = 'btproxypw' + [guid]::NewGuid().ToString('N') + [guid]::NewGuid().ToString('N')
    $proxyBasic = [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes("${proxyUser}:$proxyPassword"))
    $wrongPassword = 'btwrongpw' + [guid]::NewGuid().ToString('N') + [guid]::NewGuid().ToString('N')
    $proxyCredential = [pscredential]::new($proxyUser, (ConvertTo-TestSecureString $proxyPassword))
    $wrongCredential = [pscredential]::new($proxyUser, (ConvertTo-TestSecureString $wrongPassword))

    $proxy = $null
    $authProxy = $null
    if (Get-TinyproxyPath) {
        $proxy = Start-TestTinyproxy
        $authProxy = Start-TestTinyproxy -BasicAuthUser $proxyUser -BasicAuthPassword $proxyPassword
    }

    function Connect-ViaProxy {
        <# Connect-Baseten to the emulator; extra parameters (-Proxy, -ProxyCredential...) are splatted. #>
        param([hashtable]$With = @{}, [int]$MaxRetry = 0)
        $null = Connect-Baseten -ApiKey (ConvertTo-TestSecureString $emu.ApiKey) -BaseUri $emu.BaseUri -MaxRetry $MaxRetry @With -ErrorAction Stop
    }

    # "POST http://127.0.0.1:<port>/v1/... HTTP/1.1" for each request the emulator logged: how a proxy logs them.
    function Get-EmulatorRequestAsProxyLine([object[]]$Requests) {
        foreach ($r in $Requests) {
            $target = $emuAuthority + $r.Path
            if ($r.Query) { $target += '?' + $r.Query }
            '{0} {1} HTTP/1.1' -f $r.Method, $target
        }
    }

    # Runs $Script with verbose and debug output on and every stream redirected to the output; returns the output
    # objects, the stream records and the ErrorRecords added to $Error meanwhile (the twin of Secrets.Tests.ps1's;
    # see there why it is not in CmdletTestSupport).
    function Invoke-Scenario([scriptblock]$Script) {
        $errorCountBefore = $global:Error.Count
        $records = & {
            $ErrorActionPreference = [System.Management.Automation.ActionPreference]::Continue
            $DebugPreference = [System.Management.Automation.ActionPreference]::Continue
            $VerbosePreference = [System.Management.Automation.ActionPreference]::Continue
            & $Script
        } *>&1
        $added = $global:Error.Count - $errorCountBefore
        $fromErrorVariable = if ($added -gt 0) { @($global:Error[0..($added - 1)]) } else { @() }
        @($records) + $fromErrorVariable
    }


    # Fails when a proxy password, or its Basic header value, or any 12-character piece of them, appears in $Text.
    function Assert-NoProxySecret([string]$Text, [string]$What) {
        $Text.Length | Should -BeGreaterThan 0 -Because "there must be something to inspect in $What"
        foreach ($secret in $proxyPassword, $wrongPassword, $proxyBasic) {
            for ($start = 0; $start + 12 -le $secret.Length; $start++) {
                if ($Text.IndexOf($secret.Substring($start, 12), [System.StringComparison]::OrdinalIgnoreCase) -ge 0) {
                    throw "A piece of a proxy password (or of its Basic header) appears in $What (at offset $start of the secret)."
                }
            }
        }
    }
}

AfterAll {
    Stop-TestTinyproxy $proxy
    Stop-TestTinyproxy $authProxy
    if ($emu) { $emu.Dispose() }
    Restore-BasetenTestState $savedState
}

Describe 'Connect-Baseten -Proxy (through tinyproxy)' -Tag 'Integration', 'Proxy' -Skip:$noTinyproxy {
    BeforeEach {
        Reset-EmulatorLog $emu
        Clear-BasetenTestState
    }

    It 'sends New-BasetenEnvironment and Get-BasetenEnvironment through the proxy (its log shows every request)' {
        Connect-ViaProxy -With @{ Proxy = $proxy.Uri }
        $mark = Get-TinyproxyLogMark $proxy

        $created = New-BasetenEnvironment -ModelId $model.Id -Name 'via-proxy' -AutoscalingSettings @{ min_replica = 0; max_replica = 1 } -ErrorAction Stop
        $created.Name | Should -BeExactly 'via-proxy'
        @(Get-BasetenEnvironment -ModelId $model.Id -ErrorAction Stop).Name | Should -Contain 'via-proxy'
        (Get-BasetenEnvironment -ModelId $model.Id -Name 'via-proxy' -ErrorAction Stop).Name | Should -BeExactly 'via-proxy'

        $sent = @(Get-EmulatorRequest $emu -Count 3)
        $sent.Count | Should -Be 3
        $sent[0].Method | Should -BeExactly 'POST'
        $sent | ForEach-Object { $_.AuthorizationScheme | Should -BeExactly 'Api-Key' }
        $expected = @(Get-EmulatorRequestAsProxyLine $sent)
        $seen = @(Get-TinyproxyRequestLine $proxy -Since $mark -Count $expected.Count)
        $seen | Should -Be $expected -Because 'each request the emulator answered came through the proxy, in order, and nothing else did'
        $seen[0] | Should -BeExactly "POST $emuAuthority/v1/models/$($model.Id)/environments HTTP/1.1"
    }

    It 'goes through the proxy for a loopback API too (no local bypass): a -Proxy that does not listen means ApiUnreachable' {
        $deadProxy = "http://127.0.0.1:$(Get-ClosedLoopbackPort)/"
        Connect-ViaProxy -With @{ Proxy = $deadProxy }
        $result = Get-BasetenEnvironment -ModelId $model.Id -ErrorVariable failures -ErrorAction SilentlyContinue
        $result | Should -BeNullOrEmpty
        $failures.Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -BeExactly 'ApiUnreachable,Baseten.PowerShell.Cmdlets.GetBasetenEnvironmentCommand'
        $failures[0].CategoryInfo.Category | Should -Be 'ConnectionError'
        @(Get-EmulatorRequest $emu -SettleMs 200).Count | Should -Be 0 -Because 'the module must not fall back to a direct connection'
    }

    It 'sends nothing to the proxy without -Proxy (and without proxy environment variables)' {
        $ambient = Get-ProxyEnvironmentVariable
        if ($ambient.Count -gt 0) {
            Set-ItResult -Skipped -Because "this process has proxy environment variables set ($($ambient -join ', ')), which apply without -Proxy"
            return
        }
        Connect-ViaProxy
        (Get-BasetenContext).Proxy | Should -BeNullOrEmpty
        $mark = Get-TinyproxyLogMark $proxy
        $null = New-BasetenEnvironment -ModelId $model.Id -Name 'direct' -ErrorAction Stop
        $null = Get-BasetenEnvironment -ModelId $model.Id -ErrorAction Stop
        @(Get-EmulatorRequest $emu -Count 2).Count | Should -Be 2
        Get-TinyproxyRequestLine $proxy -Since $mark -SettleMs 300 | Should -BeNullOrEmpty
    }

    It 'switches proxies when Connect-Baseten is run again with another -Proxy' {
        Connect-ViaProxy -With @{ Proxy = $proxy.Uri }
        $null = Get-BasetenEnvironment -ModelId $model.Id -ErrorAction Stop
        Connect-ViaProxy -With @{ Proxy = $authProxy.Uri; ProxyCredential = $proxyCredential }
        $markPlain = Get-TinyproxyLogMark $proxy
        $markAuth = Get-TinyproxyLogMark $authProxy
        @(Get-BasetenEnvironment -ModelId $model.Id -ErrorAction Stop).Count | Should -BeGreaterOrEqual 1
        Get-TinyproxyRequestLine $authProxy -Since $markAuth -Count 1 | Should -Contain "GET $emuAuthority/v1/models/$($model.Id)/environments HTTP/1.1"
        Get-TinyproxyRequestLine $proxy -Since $markPlain -SettleMs 200 | Should -BeNullOrEmpty
    }

    It 'accepts -ProxyUseDefaultCredentials with a proxy that needs no authentication' {
        Connect-ViaProxy -With @{ Proxy = $proxy.Uri; ProxyUseDefaultCredentials = $true }
        $mark = Get-TinyproxyLogMark $proxy
        @(Get-BasetenEnvironment -ModelId $model.Id -ErrorAction Stop).Count | Should -BeGreaterOrEqual 1
        Get-TinyproxyRequestLine $proxy -Since $mark -Count 1 | Should -Be @("GET $emuAuthority/v1/models/$($model.Id)/environments HTTP/1.1")
    }

    It 'Get-BasetenContext shows the proxy address and never its credential' {
        Connect-ViaProxy -With @{ Proxy = $authProxy.Uri; ProxyCredential = $proxyCredential }
        $context = Get-BasetenContext
        $context.Proxy | Should -Be $authProxy.Uri
        $views = @(
            ($context | Format-List * -Force | Out-String)
            ($context | Format-Table | Out-String)
            ($context | Out-String)
            ($context | ConvertTo-Json -Depth 5)
            [System.Management.Automation.PSSerializer]::Serialize($context, 5)
            ($context.PSObject.Properties | ForEach-Object { '{0}={1}' -f $_.Name, $_.Value }) -join ';'
            $context.ToString()
        ) -join "`n"
        $views | Should -BeLike "*Proxy*$($authProxy.Uri)*"
        Assert-NoProxySecret $views 'Get-BasetenContext'
    }
}

Describe 'Connect-Baseten -ProxyCredential (tinyproxy with BasicAuth)' -Tag 'Integration', 'Proxy' -Skip:$noTinyproxy {
    BeforeEach {
        Reset-EmulatorLog $emu
        Clear-BasetenTestState
    }

    It 'works through a proxy that demands Basic authentication with the right credential' {
        Connect-ViaProxy -With @{ Proxy = $authProxy.Uri; ProxyCredential = $proxyCredential }
        $mark = Get-TinyproxyLogMark $authProxy
        $null = New-BasetenEnvironment -ModelId $model.Id -Name 'via-auth-proxy' -ErrorAction Stop
        @(Get-BasetenEnvironment -ModelId $model.Id -ErrorAction Stop).Name | Should -Contain 'via-auth-proxy'

        $sent = @(Get-EmulatorRequest $emu -Count 2)
        $sent.Count | Should -Be 2
        $seen = @(Get-TinyproxyRequestLine $authProxy -Since $mark -Count 2)
        # .NET sends a request without the credential first and answers the proxy's 407 challenge: a request can
        # show twice in the proxy's log, but every request the emulator answered came through the proxy.
        foreach ($line in Get-EmulatorRequestAsProxyLine $sent) { $seen | Should -Contain $line }
    }

    It 'fails with a clear error for a wrong credential (tinyproxy answers 401 to it), and nothing reaches the API' {
        Connect-ViaProxy -With @{ Proxy = $authProxy.Uri; ProxyCredential = $wrongCredential }
        $mark = Get-TinyproxyLogMark $authProxy
        $result = Get-BasetenEnvironment -ModelId $model.Id -ErrorVariable failures -ErrorAction SilentlyContinue
        $result | Should -BeNullOrEmpty
        $failures.Count | Should -Be 1
        # tinyproxy 1.11 answers a wrong credential with 401 (not 407), which the module reports as AuthenticationFailed.
        $failures[0].FullyQualifiedErrorId | Should -Match '^(AuthenticationFailed|ProxyAuthentication\w*),Baseten\.PowerShell\.Cmdlets\.GetBasetenEnvironmentCommand$'
        $failures[0].CategoryInfo.Category | Should -Be 'AuthenticationError'
        $failures[0].Exception.StatusCode | Should -BeIn 401, 407
        Get-TinyproxyRequestLine $authProxy -Since $mark -Count 1 | Should -Contain "GET $emuAuthority/v1/models/$($model.Id)/environments HTTP/1.1"
        @(Get-EmulatorRequest $emu -SettleMs 200).Count | Should -Be 0
    }

    It 'fails with the proxy''s 407 without a credential, and nothing reaches the API' {
        Connect-ViaProxy -With @{ Proxy = $authProxy.Uri }
        $result = Get-BasetenEnvironment -ModelId $model.Id -ErrorVariable failures -ErrorAction SilentlyContinue
        $result | Should -BeNullOrEmpty
        $failures.Count | Should -Be 1
        $failures[0].Exception.StatusCode | Should -Be 407
        $failures[0].Exception.Message | Should -BeLike '*407*'
        $failures[0].FullyQualifiedErrorId | Should -BeExactly 'ProxyAuthenticationRequired,Baseten.PowerShell.Cmdlets.GetBasetenEnvironmentCommand'
        $failures[0].CategoryInfo.Category | Should -Be 'AuthenticationError'
        $failures[0].ErrorDetails.RecommendedAction | Should -BeLike '*-ProxyCredential*'
        @(Get-EmulatorRequest $emu -SettleMs 200).Count | Should -Be 0
    }

    It 'sends the proxy credential to the proxy only: the API never sees it, even when the API asks for Basic auth' {
        $api = Start-RawHttpServer -Status 401 -Reason 'Unauthorized' -Headers @{ 'WWW-Authenticate' = 'Basic realm="api"' } -Body '{"error":"no"}'
        try {
            $null = Connect-Baseten -ApiKey (ConvertTo-TestSecureString $emu.ApiKey) -BaseUri $api.BaseUri -MaxRetry 0 `
                -Proxy $authProxy.Uri -ProxyCredential $proxyCredential -ErrorAction Stop
            $mark = Get-TinyproxyLogMark $authProxy
            $null = Get-BasetenEnvironment -ModelId 'abc' -ErrorVariable failures -ErrorAction SilentlyContinue
            $failures[0].FullyQualifiedErrorId | Should -BeLike 'AuthenticationFailed,*'
            Get-TinyproxyRequestLine $authProxy -Since $mark -Count 1 | Should -Contain "GET $($api.BaseUri)v1/models/abc/environments HTTP/1.1"

            $heads = @($api.Requests)
            $heads.Count | Should -Be 1 -Because 'a 401 from the API is not answered with any credential'
            $heads[0] | Should -Match "(?m)^Authorization: Api-Key $([regex]::Escape($emu.ApiKey))\s*$"
            $heads[0] | Should -Not -Match '(?im)^Proxy-Authorization:'
            $heads[0] | Should -Not -Match '(?im)^Authorization: Basic'
            Assert-NoProxySecret ($heads -join "`n") 'what the API received'
        }
        finally { $api.Dispose() }
    }

    It 'never shows the proxy password in any output, stream or error' {
        $items = Invoke-Scenario {
            Connect-Baseten -ApiKey (ConvertTo-TestSecureString $emu.ApiKey) -BaseUri $emu.BaseUri -MaxRetry 0 -Proxy $authProxy.Uri -ProxyCredential $proxyCredential -Verbose
            Get-BasetenContext -Verbose
            New-BasetenEnvironment -ModelId $model.Id -Name 'secret-proxy' -Verbose
            Get-BasetenEnvironment -ModelId $model.Id -Verbose
            Connect-Baseten -ApiKey (ConvertTo-TestSecureString $emu.ApiKey) -BaseUri $emu.BaseUri -MaxRetry 0 -Proxy $authProxy.Uri -ProxyCredential $wrongCredential -Verbose
            Get-BasetenEnvironment -ModelId $model.Id -Verbose
            New-BasetenEnvironment -ModelId $model.Id -Name 'secret-proxy-wrong' -Verbose
            try { Connect-Baseten -ApiKey (ConvertTo-TestSecureString $emu.ApiKey) -BaseUri $emu.BaseUri -ProxyCredential $proxyCredential } catch { $_ }
            try { Connect-Baseten -ApiKey (ConvertTo-TestSecureString $emu.ApiKey) -BaseUri $emu.BaseUri -Proxy 'ftp://proxy' -ProxyCredential $proxyCredential } catch { $_ }
            try { Connect-Baseten -ApiKey (ConvertTo-TestSecureString $emu.ApiKey) -BaseUri $emu.BaseUri -Proxy $authProxy.Uri -ProxyCredential $proxyCredential -ProxyUseDefaultCredentials } catch { $_ }
            Disconnect-Baseten -PassThru -Verbose
        }
        @($items | Where-Object { $_ -is [Baseten.PowerShell.BasetenContext] }).Count | Should -BeGreaterOrEqual 3
        @($items | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] }).Count | Should -BeGreaterOrEqual 5
        @($items | Where-Object { $_ -is [System.Management.Automation.DebugRecord] }).Count | Should -BeGreaterOrEqual 1
        Assert-NoProxySecret (ConvertTo-InspectedText $items) 'the output, streams and errors'
    }
}

Describe 'Connect-Baseten proxy parameter checks' -Tag 'Proxy' {
    BeforeAll {
        Clear-BasetenTestState
        $credential = [pscredential]::new('someone', (ConvertTo-TestSecureString 'not-used'))
        $key = ConvertTo-TestSecureString $emu.ApiKey
    }
    AfterAll { Clear-BasetenTestState }

    It 'refuses <Name> without -Proxy (ProxyWithoutAddress) and keeps the session as it was' -TestCases @(
        @{ Name = '-ProxyCredential'; With = @{ ProxyCredential = 'credential' } }
        @{ Name = '-ProxyUseDefaultCredentials'; With = @{ ProxyUseDefaultCredentials = $true } }
    ) {
        param($Name, $With)
        $splat = @{}
        foreach ($k in $With.Keys) { $splat[$k] = if ($With[$k] -is [string] -and $With[$k] -eq 'credential') { $credential } else { $With[$k] } }
        $null = Connect-Baseten -ApiKey $key -BaseUri $emu.BaseUri
        { Connect-Baseten -ApiKey $key -BaseUri 'http://127.0.0.1:1/' @splat } |
            Should -Throw -ErrorId 'ProxyWithoutAddress,Baseten.PowerShell.Cmdlets.ConnectBasetenCommand'
        try { Connect-Baseten -ApiKey $key -BaseUri 'http://127.0.0.1:1/' @splat } catch { $record = $_ }
        $record.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $record.Exception.Message | Should -BeLike '*-Proxy*'
        (Get-BasetenContext).BaseUri | Should -Be $emu.BaseUri -Because 'a refused Connect-Baseten changes nothing'
    }

    It 'refuses -Proxy <Proxy> (InvalidProxy)' -TestCases @(
        @{ Proxy = 'ftp://x' }
        @{ Proxy = 'socks5://127.0.0.1:1080' }
        @{ Proxy = 'proxy.example.com:3128' }
        @{ Proxy = '/relative/path' }
    ) {
        param($Proxy)
        try { Connect-Baseten -ApiKey $key -BaseUri $emu.BaseUri -Proxy $Proxy; $record = $null } catch { $record = $_ }
        $record | Should -Not -BeNullOrEmpty -Because "'$Proxy' is not an http or https proxy address"
        # A value that is no URI at all is refused by parameter binding instead.
        $record.FullyQualifiedErrorId | Should -BeIn 'InvalidProxy,Baseten.PowerShell.Cmdlets.ConnectBasetenCommand',
            'ParameterArgumentTransformationError,Baseten.PowerShell.Cmdlets.ConnectBasetenCommand'
        $record.CategoryInfo.Category | Should -Be 'InvalidArgument'
    }

    It 'refuses ftp://x with InvalidProxy and a message that says what to give' {
        { Connect-Baseten -ApiKey $key -BaseUri $emu.BaseUri -Proxy 'ftp://x' } |
            Should -Throw -ErrorId 'InvalidProxy,Baseten.PowerShell.Cmdlets.ConnectBasetenCommand' -ExpectedMessage '*http*'
    }

    It 'refuses -ProxyCredential together with -ProxyUseDefaultCredentials (InvalidProxy)' {
        { Connect-Baseten -ApiKey $key -BaseUri $emu.BaseUri -Proxy 'http://127.0.0.1:3128' -ProxyCredential $credential -ProxyUseDefaultCredentials } |
            Should -Throw -ErrorId 'InvalidProxy,Baseten.PowerShell.Cmdlets.ConnectBasetenCommand'
    }
}

Describe 'HTTP_PROXY / HTTPS_PROXY / NO_PROXY (a fresh process each)' -Tag 'Integration', 'Proxy' -Skip:$noTinyproxy {
    BeforeAll {
        $modulePath = Get-BasetenTestModulePath
        $childArgs = @{ ModulePath = $modulePath; BaseUri = $emu.BaseUri.ToString(); ApiKey = $emu.ApiKey; ModelId = $model.Id }
        $emuRequestLine = "GET $emuAuthority/v1/models/$($model.Id)/environments HTTP/1.1"
        # A name that never resolves (.test is reserved): only a proxy can make something of it.
        $unresolvable = 'https://api.baseten.test/'
    }
    BeforeEach { Reset-EmulatorLog $emu }

    It 'HTTP_PROXY applies without -Proxy, also to a loopback API (.NET does not bypass loopback for it)' {
        $mark = Get-TinyproxyLogMark $proxy
        $result = Invoke-ProxyTestChild @childArgs -Environment @{ HTTP_PROXY = $proxy.Uri.ToString() }
        $result.Ok | Should -BeTrue -Because $result.Output
        $result.ContextProxy | Should -BeNullOrEmpty -Because 'no -Proxy was given'
        $result.DefaultProxy | Should -BeExactly 'System.Net.Http.HttpEnvironmentProxy'
        Get-TinyproxyRequestLine $proxy -Since $mark -Count 1 | Should -Be @($emuRequestLine)
    }

    It 'NO_PROXY=127.0.0.1 takes a loopback API off HTTP_PROXY' {
        $mark = Get-TinyproxyLogMark $proxy
        $result = Invoke-ProxyTestChild @childArgs -Environment @{ HTTP_PROXY = $proxy.Uri.ToString(); NO_PROXY = '127.0.0.1' }
        $result.Ok | Should -BeTrue -Because $result.Output
        @(Get-EmulatorRequest $emu -Count 1).Count | Should -Be 1
        Get-TinyproxyRequestLine $proxy -Since $mark -SettleMs 300 | Should -BeNullOrEmpty
    }

    It 'HTTPS_PROXY applies to an https API: the proxy gets a CONNECT for a host only it could resolve' {
        $mark = Get-TinyproxyLogMark $proxy
        $result = Invoke-ProxyTestChild @childArgs -BaseUri $unresolvable -Environment @{ HTTPS_PROXY = $proxy.Uri.ToString() }
        $result.Connected | Should -BeTrue -Because $result.Output
        $result.Ok | Should -BeFalse
        $result.ErrorId | Should -BeLike 'ApiUnreachable,*' -Because $result.Output
        Get-TinyproxyRequestLine $proxy -Since $mark -Count 1 | Should -Be @('CONNECT api.baseten.test:443 HTTP/1.1')
    }

    It 'NO_PROXY=<NoProxy> takes that https API off HTTPS_PROXY (no CONNECT reaches the proxy)' -TestCases @(
        @{ NoProxy = 'api.baseten.test' }
        @{ NoProxy = '.baseten.test' }
        @{ NoProxy = 'example.com, api.baseten.test' }
    ) {
        param($NoProxy)
        $mark = Get-TinyproxyLogMark $proxy
        $result = Invoke-ProxyTestChild @childArgs -BaseUri $unresolvable -Environment @{ HTTPS_PROXY = $proxy.Uri.ToString(); NO_PROXY = $NoProxy }
        $result.Connected | Should -BeTrue -Because $result.Output
        $result.ErrorId | Should -BeLike 'ApiUnreachable,*' -Because 'the name does not resolve without the proxy'
        Get-TinyproxyRequestLine $proxy -Since $mark -SettleMs 300 | Should -BeNullOrEmpty
    }

    It 'HTTPS_PROXY does not apply to an http API (that is HTTP_PROXY''s)' {
        $mark = Get-TinyproxyLogMark $proxy
        $result = Invoke-ProxyTestChild @childArgs -Environment @{ HTTPS_PROXY = $proxy.Uri.ToString() }
        $result.Ok | Should -BeTrue -Because $result.Output
        Get-TinyproxyRequestLine $proxy -Since $mark -SettleMs 300 | Should -BeNullOrEmpty
    }

    It '-Proxy wins over the environment: HTTP_PROXY (dead) and NO_PROXY=127.0.0.1 are ignored' {
        $mark = Get-TinyproxyLogMark $proxy
        $result = Invoke-ProxyTestChild @childArgs -Proxy $proxy.Uri.ToString() -Environment @{
            HTTP_PROXY = "http://127.0.0.1:$(Get-ClosedLoopbackPort)/"; NO_PROXY = '127.0.0.1,localhost'
        }
        $result.Ok | Should -BeTrue -Because $result.Output
        $result.ContextProxy | Should -Be $proxy.Uri.ToString()
        Get-TinyproxyRequestLine $proxy -Since $mark -Count 1 | Should -Be @($emuRequestLine)
    }
}

Describe 'Redirects are not followed, so the API key never reaches another host' -Tag 'Integration', 'Proxy' {
    BeforeAll {
        # The "other host": 127.0.0.2 (all of 127/8 is loopback on Linux), a server that records what it receives.
        $otherHost = Start-RawHttpServer -Address '127.0.0.2' -Body '{"environments":[]}'
        $redirector = Start-RawHttpServer -Address '127.0.0.1'
        $key = ConvertTo-TestSecureString $emu.ApiKey
    }
    AfterAll {
        if ($otherHost) { $otherHost.Dispose() }
        if ($redirector) { $redirector.Dispose() }
        Clear-BasetenTestState
    }
    BeforeEach {
        $otherHost.Clear()
        $redirector.Clear()
    }

    It '<Status> to another host, for <Cmdlet>: UnexpectedRedirect, asked once, nothing sent to the other host' -TestCases @(
        foreach ($status in 301, 302, 303, 307, 308) {
            @{ Status = $status; Cmdlet = 'Get-BasetenEnvironment' }
            @{ Status = $status; Cmdlet = 'New-BasetenEnvironment' }
        }
    ) {
        param($Status, $Cmdlet)
        $location = "$($otherHost.BaseUri)v1/models/m1/environments"
        $redirector.RawResponse = New-RawHttpResponse -Status $Status -Reason 'Redirect' -Headers @{ Location = $location } -Body ''
        $null = Connect-Baseten -ApiKey $key -BaseUri $redirector.BaseUri   # default retries: a redirect is not retried either
        $items = Invoke-Scenario {
            if ($Cmdlet -eq 'Get-BasetenEnvironment') { Get-BasetenEnvironment -ModelId 'm1' }
            else { New-BasetenEnvironment -ModelId 'm1' -Name 'redirected' }
        }
        $failures = @($items | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] })
        $failures.Count | Should -BeGreaterOrEqual 1
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'UnexpectedRedirect,*'
        $failures[0].CategoryInfo.Category | Should -Be 'ProtocolError'
        $failures[0].Exception.StatusCode | Should -Be $Status
        $failures[0].Exception.Message | Should -BeLike "*$location*"

        Start-Sleep -Milliseconds 200
        @($redirector.Requests).Count | Should -Be 1
        $redirector.Requests[0] | Should -Match '(?m)^Authorization: Api-Key '
        @($otherHost.Requests).Count | Should -Be 0 -Because 'the redirect must not be followed'
    }

    It 'is not followed through a proxy either (the proxy sees the one request to the API, none to the other host)' {
        if (-not $proxy) { Set-ItResult -Skipped -Because 'tinyproxy is not installed'; return }
        $redirector.RawResponse = New-RawHttpResponse -Status 302 -Reason 'Found' -Headers @{ Location = "$($otherHost.BaseUri)v1/models/m1/environments" } -Body ''
        $null = Connect-Baseten -ApiKey $key -BaseUri $redirector.BaseUri -Proxy $proxy.Uri
        $mark = Get-TinyproxyLogMark $proxy
        $null = Get-BasetenEnvironment -ModelId 'm1' -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'UnexpectedRedirect,*'
        Get-TinyproxyRequestLine $proxy -Since $mark -Count 1 -SettleMs 300 | Should -Be @("GET $($redirector.BaseUri)v1/models/m1/environments HTTP/1.1")
        @($otherHost.Requests).Count | Should -Be 0
    }
}
