using System.Windows;
using System.Windows.Controls;

namespace NinjaTrader.Gui.Tools
{
    /// <summary>NinjaTrader's window base (a WPF Window with a Caption). https://ninjatrader.com/support/helpGuides/nt8/ntwindow.htm</summary>
    public class NTWindow : Window
    {
        /// <summary>https://ninjatrader.com/support/helpGuides/nt8/ntwindow.htm</summary>
        public string Caption { get; set; }
    }

    /// <summary>NinjaTrader's menu item. https://ninjatrader.com/support/helpGuides/nt8/ntmenuitem.htm</summary>
    public class NTMenuItem : MenuItem
    {
    }

    /// <summary>NinjaTrader's message box. https://ninjatrader.com/support/helpGuides/nt8/ntmessageboxsimple_show().htm</summary>
    public static class NTMessageBoxSimple
    {
        /// <summary>NTMessageBoxSimple.Show(Window input, string messageTxt, string caption, MessageBoxButton buttonSet, MessageBoxImage icon)</summary>
        public static MessageBoxResult Show(Window input, string messageTxt, string caption, MessageBoxButton buttonSet, MessageBoxImage icon)
        {
            return MessageBoxResult.None;
        }
    }

    /// <summary>
    /// Finding a named control of a NinjaTrader window, as the AddOn framework example does with
    /// <c>controlCenter.FindFirst("ControlCenterMenuItemNew")</c>.
    /// https://ninjatrader.com/support/helpGuides/nt8/creating_your_own_addon_window.htm
    /// </summary>
    public static class NTWindowExtensions
    {
        public static DependencyObject FindFirst(this Window window, string name)
        {
            return null;
        }
    }
}

namespace NinjaTrader.Gui
{
    /// <summary>The Control Center window. https://ninjatrader.com/support/helpGuides/nt8/creating_your_own_addon_window.htm</summary>
    public class ControlCenter : NinjaTrader.Gui.Tools.NTWindow
    {
    }
}
