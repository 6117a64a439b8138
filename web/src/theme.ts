import type { ThemeConfig } from 'antd';

/** Deep enterprise blue on a navy side bar: calm, legible, and familiar to state-owned enterprise users. */
export const BRAND_BLUE = '#1e4fa3';
export const NAVY = '#0f2a52';

export const appTheme: ThemeConfig = {
  token: {
    colorPrimary: BRAND_BLUE,
    colorInfo: BRAND_BLUE,
    colorLink: BRAND_BLUE,
    colorSuccess: '#2e9e5b',
    colorWarning: '#e08a1e',
    colorError: '#d4380d',
    borderRadius: 6,
    colorBgLayout: '#f3f5f9',
    fontFamily:
      "-apple-system, BlinkMacSystemFont, 'PingFang SC', 'Hiragino Sans GB', 'Microsoft YaHei', 'Noto Sans CJK SC', 'Source Han Sans SC', 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif",
  },
  components: {
    Layout: {
      siderBg: NAVY,
      headerBg: '#ffffff',
      headerHeight: 56,
      headerPadding: '0 20px 0 12px',
      footerBg: 'transparent',
      footerPadding: '12px 24px 20px',
    },
    Menu: {
      darkItemBg: NAVY,
      darkSubMenuItemBg: '#0b2145',
      darkItemSelectedBg: BRAND_BLUE,
      darkGroupTitleColor: 'rgba(255,255,255,0.45)',
      darkItemColor: 'rgba(255,255,255,0.78)',
      darkItemDisabledColor: 'rgba(255,255,255,0.32)',
      itemHeight: 42,
      itemMarginInline: 8,
    },
    Table: {
      headerBg: '#f5f7fb',
      headerColor: '#1f2d3d',
      rowHoverBg: '#f0f5ff',
    },
    Card: {
      headerFontSize: 15,
    },
    Tree: {
      titleHeight: 30,
      nodeSelectedBg: '#dce8fb',
      nodeHoverBg: '#eef3fc',
    },
  },
};
