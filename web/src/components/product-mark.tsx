import { Flex } from 'antd';

/** The product logo: a closed loop around a point of control. */
export const ProductLogo = ({ size = 32 }: { size?: number }) => (
  <svg width={size} height={size} viewBox="0 0 64 64" aria-hidden="true" focusable="false">
    <rect width="64" height="64" rx="14" fill="#2f6bd6" />
    <path d="M32 13a19 19 0 1 0 18.2 24.5" fill="none" stroke="#fff" strokeWidth="6" strokeLinecap="round" />
    <path
      d="M50.5 27.5 50.2 37.6 41 33"
      fill="none"
      stroke="#fff"
      strokeWidth="6"
      strokeLinecap="round"
      strokeLinejoin="round"
    />
    <circle cx="32" cy="32" r="6" fill="#9cc3ff" />
  </svg>
);

/** Logo plus the name 管控 Guankong; `dark` for use on the navy sider / login banner. */
export const ProductMark = ({
  collapsed = false,
  dark = true,
  size = 32,
}: {
  collapsed?: boolean;
  dark?: boolean;
  size?: number;
}) => (
  <Flex align="center" gap={10} className="gk-product-mark">
    <ProductLogo size={size} />
    {!collapsed && (
      <span style={{ lineHeight: 1.1, whiteSpace: 'nowrap' }}>
        <span
          style={{
            fontSize: size * 0.56,
            fontWeight: 700,
            letterSpacing: 2,
            color: dark ? '#fff' : '#0f2a52',
          }}
        >
          管控
        </span>
        <span
          style={{
            marginLeft: 6,
            fontSize: size * 0.4,
            fontWeight: 500,
            color: dark ? 'rgba(255,255,255,0.72)' : '#4a5d7e',
            letterSpacing: 0.5,
          }}
        >
          Guankong
        </span>
      </span>
    )}
  </Flex>
);
